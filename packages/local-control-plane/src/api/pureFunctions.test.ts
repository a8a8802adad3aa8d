import { parseFieldSelector, parseLabelSelector } from './labelSelector';
import {
  fromFieldsV1,
  leafPaths,
  recordUpdate,
  serverSideApply,
  toFieldsV1,
} from './managedFields';
import { KubeObject } from './objects';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from './patches';
import { ApiError } from './status';

describe('label and field selectors', () => {
  it('supports equality, set-based and existence requirements', () => {
    const match = parseLabelSelector(
      'app=db,tier in (a, b),!legacy,team,env!=prod',
    );
    expect(match({ app: 'db', tier: 'b', team: 'x', env: 'dev' })).toBe(true);
    expect(match({ app: 'db', tier: 'c', team: 'x' })).toBe(false);
    expect(match({ app: 'db', tier: 'a', team: 'x', legacy: '1' })).toBe(false);
    expect(match({ app: 'db', tier: 'a', team: 'x', env: 'prod' })).toBe(false);
    expect(parseLabelSelector('')(undefined)).toBe(true);
  });

  it('supports field selectors on any scalar path, as used for events', () => {
    const match = parseFieldSelector('metadata.name=a,metadata.namespace!=b');
    expect(match({ metadata: { name: 'a', namespace: 'c' } })).toBe(true);
    expect(match({ metadata: { name: 'a', namespace: 'b' } })).toBe(false);
    const events = parseFieldSelector(
      'involvedObject.kind=PostgreSQLInstance,involvedObject.name=db,type!=Normal',
    );
    expect(
      events({
        involvedObject: { kind: 'PostgreSQLInstance', name: 'db' },
        type: 'Warning',
      }),
    ).toBe(true);
    expect(
      events({
        involvedObject: { kind: 'PostgreSQLInstance', name: 'db' },
        type: 'Normal',
      }),
    ).toBe(false);
    expect(() => parseFieldSelector('no-operator')).toThrow(ApiError);
  });
});

describe('patches', () => {
  it('merge patch removes nulls and merges maps', () => {
    expect(
      applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { c: 4 } }),
    ).toEqual({ b: { c: 4, d: 3 } });
  });

  it('strategic merge patch ignores directives', () => {
    expect(
      applyStrategicMergePatch(
        { a: [1] },
        { a: [2], '$setElementOrder/a': [2] },
      ),
    ).toEqual({ a: [2] });
  });

  it('json patch applies operations in order and tests values', () => {
    expect(
      applyJsonPatch({ a: [1, 2] }, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'replace', path: '/a/0', value: 0 },
        { op: 'remove', path: '/a/1' },
        { op: 'test', path: '/a', value: [0, 3] },
      ]),
    ).toEqual({ a: [0, 3] });
    expect(() =>
      applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
    ).toThrow(ApiError);
  });
});

describe('managed fields', () => {
  const base = (spec: object, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Thing',
    metadata: { name: 'x', ...(labels ? { labels } : {}) },
    spec,
  });
  const apply = (
    current: KubeObject | undefined,
    config: KubeObject,
    manager: string,
    force = false,
  ) =>
    serverSideApply({
      current,
      config,
      manager,
      force,
      scope: 'main',
      statusIsSubresource: true,
      now: '2026-01-01T00:00:00Z',
      resource: 'things',
      group: '',
    });

  it('round-trips FieldsV1', () => {
    const paths = leafPaths(
      base({ a: { b: 1 }, c: [1] }, { l: 'v' }),
      'main',
      true,
    ).map(p => JSON.stringify(p));
    expect(toFieldsV1(paths)).toEqual({
      'f:metadata': { 'f:labels': { 'f:l': {} } },
      'f:spec': { 'f:a': { 'f:b': {} }, 'f:c': {} },
    });
    expect([...fromFieldsV1(toFieldsV1(paths))].sort()).toEqual(
      [...paths].sort(),
    );
  });

  it('removes fields a manager stops applying, but not fields others own', () => {
    const first = apply(undefined, base({ a: 1, b: 2 }), 'portal');
    const withOther = recordUpdate({
      before: first,
      after: { ...first, spec: { a: 1, b: 2, c: 3 } },
      manager: 'kubectl-edit',
      scope: 'main',
      statusIsSubresource: true,
      now: '2026-01-01T00:00:00Z',
    });
    const second = apply(withOther, base({ a: 1 }), 'portal');
    expect(second.spec).toEqual({ a: 1, c: 3 });
  });

  it('reports conflicts unless forced', () => {
    const first = apply(undefined, base({ size: 'small' }), 'portal');
    expect(() => apply(first, base({ size: 'large' }), 'other')).toThrow(
      /conflict with "portal"/,
    );
    const forced = apply(first, base({ size: 'large' }), 'other', true);
    expect(forced.spec).toEqual({ size: 'large' });
    expect(forced.metadata.managedFields!.map(e => e.manager)).toEqual([
      'other',
    ]);
  });
});
