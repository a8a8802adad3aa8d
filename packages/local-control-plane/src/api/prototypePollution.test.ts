import fc from 'fast-check';
import { serverSideApply } from './managedFields';
import { KubeObject } from './objects';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from './patches';
import { assertSafeKeys } from './safeKeys';
import { ApiError } from './status';

/**
 * Objects here are built from request bodies, patches and JSON pointers: a key such as
 * `__proto__` must never reach Object.prototype (issue 15, item 4). Every entry point refuses the
 * prototype-reaching names with a 400 wherever they sit, and nothing is polluted.
 */
const UNSAFE = ['__proto__', 'constructor', 'prototype'];

const unsafePath = fc
  .array(
    fc.oneof(
      fc.constantFrom(...UNSAFE),
      fc.string({ minLength: 1, maxLength: 6 }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .filter(path => path.some(k => UNSAFE.includes(k)));

/** A JSON document with `value` at `path`, parsed so `__proto__` is an own key, as in a body. */
function nested(path: string[], value: unknown): unknown {
  const text = path.reduceRight(
    (inner, key) => `{${JSON.stringify(key)}:${inner}}`,
    JSON.stringify(value ?? null),
  );
  return JSON.parse(text);
}

const pointer = (path: string[]) =>
  `/${path.map(k => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

function expectRefused(fn: () => unknown) {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  expect((thrown as ApiError).code).toBe(400);
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('prototype pollution', () => {
  const before = prototypeKeys();

  it('refuses prototype-reaching keys anywhere in a decoded body', () => {
    fc.assert(
      fc.property(unsafePath, fc.jsonValue(), (path, value) => {
        expectRefused(() => assertSafeKeys({ metadata: nested(path, value) }));
      }),
    );
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses them in JSON merge and strategic merge patches', () => {
    fc.assert(
      fc.property(unsafePath, fc.jsonValue(), (path, value) => {
        const patch = nested(path, { polluted: value });
        expectRefused(() => applyMergePatch({ spec: {} }, patch));
        expectRefused(() => applyStrategicMergePatch({ spec: {} }, patch));
      }),
    );
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses them in JSON patch paths and from pointers', () => {
    fc.assert(
      fc.property(
        unsafePath,
        fc.constantFrom('add', 'replace', 'remove', 'copy', 'move', 'test'),
        fc.jsonValue(),
        (path, op, value) => {
          expectRefused(() =>
            applyJsonPatch({ metadata: { name: 'x' }, spec: {} }, [
              { op, path: pointer([...path, 'polluted']), value },
            ]),
          );
          expectRefused(() =>
            applyJsonPatch({ spec: {} }, [
              { op: 'copy', from: pointer(path), path: '/spec/copied' },
            ]),
          );
        },
      ),
    );
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never pollutes through server-side apply of a checked configuration', () => {
    fc.assert(
      fc.property(unsafePath, fc.jsonValue(), (path, value) => {
        const config = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x', namespace: 'n' },
          data: nested(path, { polluted: value }),
        } as unknown as KubeObject;
        expectRefused(() => {
          assertSafeKeys(config);
          serverSideApply({
            current: undefined,
            config,
            manager: 'm',
            force: false,
            scope: 'main',
            statusIsSubresource: false,
            now: '2026-01-01T00:00:00Z',
            resource: 'configmaps',
            group: '',
          });
        });
      }),
    );
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses prototype-reaching field paths in client-supplied managedFields', () => {
    fc.assert(
      fc.property(unsafePath, path => {
        const fieldsV1 = nested(
          path.map(k => `f:${k}`),
          {},
        );
        const current = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'x',
            managedFields: [
              {
                manager: 'm',
                operation: 'Apply',
                apiVersion: 'v1',
                time: '2026-01-01T00:00:00Z',
                fieldsType: 'FieldsV1',
                fieldsV1,
              },
            ],
          },
        } as unknown as KubeObject;
        expectRefused(() =>
          serverSideApply({
            current,
            config: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'x' },
            },
            manager: 'm',
            force: false,
            scope: 'main',
            statusIsSubresource: false,
            now: '2026-01-01T00:00:00Z',
            resource: 'configmaps',
            group: '',
          }),
        );
      }),
    );
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
