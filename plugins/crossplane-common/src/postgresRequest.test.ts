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
