import fc from 'fast-check';
import yaml from 'yaml';
import {
  annotateCatalogInfo,
  buildProvenanceAnnotations,
  withoutSecrets,
} from './provenance';

describe('withoutSecrets', () => {
  it('drops secret-looking keys at every depth', () => {
    expect(
      withoutSecrets({
        name: 'orders-api',
        apiToken: 't',
        dbPassword: 'p',
        clientSecret: 's',
        sshKey: 'k',
        nested: {
          PASSWORD: 'p',
          size: 'small',
          list: [{ accessKey: 'x', ok: 1 }],
        },
      }),
    ).toEqual({
      name: 'orders-api',
      nested: { size: 'small', list: [{ ok: 1 }] },
    });
  });

  it('never keeps a key matching secret, token, password or key', () => {
    fc.assert(
      fc.property(fc.jsonValue(), value => {
        const text = JSON.stringify(withoutSecrets(value as any));
        const keys = [...(text ?? '').matchAll(/"([^"\\]*)":/g)].map(m => m[1]);
        for (const key of keys)
          expect(key).not.toMatch(/secret|token|password|key/i);
      }),
    );
  });
});

describe('annotateCatalogInfo', () => {
  const annotations = buildProvenanceAnnotations({
    templateRef: 'template:default/typescript-service',
    templateVersion: '1.2.0',
    inputs: { name: 'orders-api', githubToken: 'ghp_x' },
    createdAt: '2026-11-22T01:00:00.000Z',
    taskId: 'task-1',
  });

  it('builds the contract annotations', () => {
    expect(annotations).toEqual({
      'backstage.io/source-template': 'template:default/typescript-service',
      'fernhill.io/template-version': '1.2.0',
      'fernhill.io/template-inputs': '{"name":"orders-api"}',
      'fernhill.io/created-at': '2026-11-22T01:00:00.000Z',
      'fernhill.io/scaffolder-task-id': 'task-1',
    });
  });

  it('annotates every entity document, keeping comments and other annotations', () => {
    const source = `# entry\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n    fernhill.io/template-version: 0.0.1\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a-api\n`;
    const result = annotateCatalogInfo(source, annotations);
    expect(result).toContain('# entry');
    const docs = yaml.parseAllDocuments(result).map(d => d.toJS());
    expect(docs[0].metadata.annotations).toEqual({
      'backstage.io/techdocs-ref': 'dir:.',
      ...annotations,
    });
    expect(docs[1].metadata.annotations).toEqual(annotations);
  });

  it.each([
    ['kind: [', /not valid YAML/],
    ['just: text\n', /no catalog entity/],
    ['', /no catalog entity/],
  ])('refuses %j', (source, message) => {
    expect(() => annotateCatalogInfo(source, annotations)).toThrow(message);
  });
});
