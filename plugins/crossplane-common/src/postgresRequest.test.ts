import { parseEntityRef } from '@backstage/catalog-model';
import fc from 'fast-check';
import { postgresRequestSchema } from './postgresRequest';

const valid = {
  name: 'orders-db',
  size: 'small',
  environment: 'staging',
  owner: 'payments',
  component: 'component:default/payments-api',
};

describe('postgresRequestSchema', () => {
  it('accepts a valid request', () => {
    expect(postgresRequestSchema.safeParse(valid).success).toBe(true);
  });

  it.each([
    ['name', 'Orders'],
    ['name', 'ab'],
    ['name', `a${'b'.repeat(30)}`],
    ['name', 'postgres'],
    ['size', 'huge'],
    ['environment', 'qa'],
    ['region', 'Europe'],
    ['region', 'eu-west-1; drop table'],
    ['backupRetentionDays', 36],
    ['backupRetentionDays', 1.5],
    ['deletionPolicy', 'Retain'],
  ])('rejects %s = %s naming the field', (field, value) => {
    const result = postgresRequestSchema.safeParse({
      ...valid,
      [field]: value,
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual([field]);
  });
});

describe('the component field', () => {
  const parse = (component: unknown) =>
    postgresRequestSchema.safeParse({ ...valid, component });

  it.each([
    'component:default/payments-api',
    'Component:default/payments-api',
    'default/payments-api',
    'payments-api',
    'component:team-a/Legacy_Service.v2',
    `component:default/a${'b'.repeat(61)}c`,
  ])('accepts the component ref %s', component => {
    expect(parse(component).success).toBe(true);
  });

  it.each([
    ["payments'; DROP TABLE pg_roles; --"],
    ['<img src=x onerror=alert(1)>'],
    ['component:default/../../etc/passwd'],
    ['../payments-api'],
    ['component:default/payments-api/extra'],
    ['group:default/payments'],
    ['component:Default/payments-api'],
    ['component:default/-leading-dash'],
    ['component:default/trailing.'],
    [`component:default/${'a'.repeat(64)}`],
    ['payments api'],
    ['payments-api\n'],
    [''],
  ])('rejects %j with an error naming the component field', component => {
    const result = parse(component);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ['component'],
      message: expect.stringContaining('must be a component entity ref'),
    });
  });

  // Whatever gets through is a component ref whose name is a valid Kubernetes label value and
  // whose parts carry nothing but the catalog's name characters: no quotes, markup or path steps.
  it('lets through only refs that are safe as label values and annotations', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc
        .tuple(
          fc.constantFrom('', 'component:', 'Component:', 'group:', '../'),
          fc.constantFrom('', 'default/', '../', 'a/b/', 'Default/'),
          fc.string(),
        )
        .map(([kind, namespace, name]) => `${kind}${namespace}${name}`),
      fc.constantFrom(
        "x' OR '1'='1",
        '<script>alert(1)</script>',
        '%2e%2e%2f',
        'payments-api\u0000',
        'payments-api\r\nx-injected: 1',
      ),
    );
    fc.assert(
      fc.property(hostile, component => {
        const result = parse(component);
        if (!result.success) {
          return (
            result.error.issues[0].path.length === 1 &&
            result.error.issues[0].path[0] === 'component'
          );
        }
        const ref = parseEntityRef(component, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
        return (
          ref.kind.toLocaleLowerCase('en-US') === 'component' &&
          /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(ref.name) &&
          ref.name.length <= 63 &&
          /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ref.namespace) &&
          !/[<>'"\s;%\\]/.test(component) &&
          component.split('/').length <= 2
        );
      }),
      { numRuns: 5000 },
    );
  });
});
