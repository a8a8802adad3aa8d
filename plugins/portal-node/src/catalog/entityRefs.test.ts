import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import fc from 'fast-check';
import { normalizeEntityRef, normalizedEntityRefOf } from './entityRefs';

/** Letters, digits and the punctuation entity names use, in either case. */
const part = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);

/** A ref in any of its written forms: name, namespace/name, kind:name, kind:namespace/name. */
const writtenRef = fc
  .record({
    kind: fc.option(part, { nil: undefined }),
    namespace: fc.option(part, { nil: undefined }),
    name: part,
  })
  .map(
    ({ kind, namespace, name }) =>
      `${kind ? `${kind}:` : ''}${namespace ? `${namespace}/` : ''}${name}`,
  );

describe('normalizeEntityRef', () => {
  it('fills in the defaults and lowers the case', () => {
    expect(normalizeEntityRef('Team-A', { defaultKind: 'group' })).toBe(
      'group:default/team-a',
    );
    expect(
      normalizeEntityRef('Component:Payments/Orders-API', {
        defaultKind: 'group',
      }),
    ).toBe('component:payments/orders-api');
    expect(
      normalizeEntityRef('orders', {
        defaultKind: 'component',
        defaultNamespace: 'shop',
      }),
    ).toBe('component:shop/orders');
    expect(normalizeEntityRef('component:orders')).toBe(
      'component:default/orders',
    );
  });

  it.each([
    ['a ref without a kind when none is given', 'orders'],
    ['an empty ref', ''],
    ['an empty kind', ':orders'],
    ['an empty namespace', 'component:/orders'],
    ['an empty name', 'component:default/'],
  ])('answers null for %s', (_, ref) => {
    expect(normalizeEntityRef(ref)).toBeNull();
  });

  it('does not trim', () => {
    expect(normalizeEntityRef(' team-a', { defaultKind: 'group' })).toBe(
      'group:default/ team-a',
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(writtenRef, part, (ref, defaultKind) => {
        const once = normalizeEntityRef(ref, { defaultKind });
        expect(once).not.toBeNull();
        expect(normalizeEntityRef(once!)).toBe(once);
        expect(normalizeEntityRef(once!, { defaultKind })).toBe(once);
      }),
    );
  });

  it('is the same for refs that differ only in case, and lower case', () => {
    fc.assert(
      fc.property(writtenRef, part, (ref, defaultKind) => {
        const normalized = normalizeEntityRef(ref, { defaultKind });
        expect(normalizeEntityRef(ref.toUpperCase(), { defaultKind })).toBe(
          normalized,
        );
        expect(normalizeEntityRef(ref.toLowerCase(), { defaultKind })).toBe(
          normalized,
        );
        expect(normalized).toBe(normalized!.toLowerCase());
      }),
    );
  });

  it("agrees with the catalog model's parse and stringify, or with its refusal", () => {
    fc.assert(
      fc.property(
        fc.oneof(writtenRef, fc.string({ maxLength: 30 })),
        fc.option(part, { nil: undefined }),
        (ref, defaultKind) => {
          let expected: string | null;
          try {
            expected = stringifyEntityRef(
              parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
            ).toLowerCase();
          } catch {
            expected = null;
          }
          expect(normalizeEntityRef(ref, { defaultKind })).toBe(expected);
        },
      ),
    );
  });
});

describe('normalizedEntityRefOf', () => {
  it('normalises an entity and a compound ref', () => {
    expect(
      normalizedEntityRefOf({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'Orders-API' },
      }),
    ).toBe('component:default/orders-api');
    expect(
      normalizedEntityRefOf({ kind: 'Group', namespace: 'Ops', name: 'SRE' }),
    ).toBe('group:ops/sre');
  });

  it('matches normalizeEntityRef of the same ref', () => {
    fc.assert(
      fc.property(part, part, part, (kind, namespace, name) => {
        expect(normalizedEntityRefOf({ kind, namespace, name })).toBe(
          normalizeEntityRef(`${kind}:${namespace}/${name}`),
        );
      }),
    );
  });
});
