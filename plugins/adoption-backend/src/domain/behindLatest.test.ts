import { servicesBehindLatest } from './behindLatest';

const record = (name: string, version: string | null, template = 'go') => ({
  entityRef: `component:default/${name}`,
  owner: null,
  templateRef: `template:default/${template}`,
  templateVersion: version,
  createdAt: null,
});

describe('servicesBehindLatest', () => {
  it('orders versions as semver, not as text, and sorts by template then component', () => {
    const declared = new Map([
      ['template:default/go', '1.10.0'],
      ['template:default/ts', '2.0.0'],
    ]);
    expect(
      servicesBehindLatest(
        [
          record('b', '1.9.0'),
          record('a', '1.10.0'),
          record('c', '1.2.0', 'ts'),
          record('d', '2.0.0-rc.1', 'ts'),
          record('e', '1.0.0', 'unknown'),
        ],
        declared,
      ).map(s => [s.entityRef, s.version, s.latestVersion]),
    ).toEqual([
      ['component:default/b', '1.9.0', '1.10.0'],
      ['component:default/c', '1.2.0', '2.0.0'],
      ['component:default/d', '2.0.0-rc.1', '2.0.0'],
    ]);
  });
});
