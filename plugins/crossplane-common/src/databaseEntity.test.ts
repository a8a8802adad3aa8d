import { makeValidator } from '@backstage/catalog-model';
import fc from 'fast-check';
import { databaseEntityName, databaseEntityRef } from './databaseEntity';

const { isValidEntityName } = makeValidator();

describe('databaseEntityName', () => {
  it('joins namespace and name', () => {
    expect(databaseEntityName('team-payments', 'orders-db')).toBe(
      'team-payments.orders-db',
    );
    expect(databaseEntityRef('team-payments', 'orders-db')).toBe(
      'resource:default/team-payments.orders-db',
    );
  });

  it('keeps same-named databases of different namespaces apart', () => {
    expect(databaseEntityName('team-a', 'db1')).not.toBe(
      databaseEntityName('team-b', 'db1'),
    );
    const longA = `team-${'a'.repeat(60)}`;
    const longB = `team-${'b'.repeat(60)}`;
    expect(databaseEntityName(longA, 'orders-db')).not.toBe(
      databaseEntityName(longB, 'orders-db'),
    );
  });

  it('always yields a valid entity name for Kubernetes-style names', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/);
    fc.assert(
      fc.property(label, label, (namespace, name) => {
        const result = databaseEntityName(namespace, name);
        expect(isValidEntityName(result)).toBe(true);
        expect(databaseEntityName(namespace, name)).toBe(result);
      }),
      { numRuns: 2000 },
    );
  });
});
