import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LocalControlPlane,
  TEST_PORTAL_TOKEN,
  startTestControlPlane,
} from '@internal/local-control-plane';
import {
  POSTGRES_DELETION_POLICIES,
  POSTGRES_ENVIRONMENTS,
  POSTGRES_REGION_PATTERN,
  POSTGRES_SIZES,
  POSTGRES_SIZE_DETAILS,
  RESERVED_POSTGRES_NAMES,
  describePostgresSize,
} from '@internal/plugin-crossplane-common';
import {
  createPostgresProvisioningServiceFactory,
  readCrossplaneConfig,
} from '@internal/plugin-crossplane-node';
import { paymentsApiComponent } from '@internal/plugin-crossplane-node/testUtils';
import { Schema, Validator } from 'jsonschema';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { scaffolderModuleCrossplane } from './module';

// templates/request-postgres-database: its form rules agree with the action's, and it runs on the
// real scaffolder with the real action against the local control plane.

const dir = resolve(__dirname, '../../../templates/request-postgres-database');
const template = yaml.parse(readFileSync(`${dir}/template.yaml`, 'utf8'));
const testValues = yaml.parse(readFileSync(`${dir}/test-values.yaml`, 'utf8'));
// Starting the scaffolder backend takes several seconds on a busy machine.
jest.setTimeout(60_000);

const USER = 'user:default/priya.raman';

/** The form's pages merged, as the scaffolder's frontend validates them page by page. */
function formErrors(values: Record<string, unknown>): string[] {
  const validator = new Validator();
  return template.spec.parameters.flatMap((page: Schema) =>
    validator
      .validate(values, { ...page, type: 'object' })
      .errors.map(e => e.property.replace(/^instance\.?/, '') || e.argument),
  );
}

describe('the request-postgres-database template', () => {
  it('accepts its test values in the form', () => {
    expect(formErrors(testValues)).toEqual([]);
  });

  it.each([
    ['name', 'Orders_DB'],
    ['name', 'ab'],
    ['name', 'postgres'],
    ['name', `a${'b'.repeat(30)}`],
    ['size', 'huge'],
    ['environment', 'qa'],
    ['region', 'moon-1'],
    ['backupRetentionDays', 36],
    ['backupRetentionDays', -1],
    ['backupRetentionDays', 2.5],
    ['deletionPolicy', 'Retain'],
    ['component', 'group:default/payments'],
  ])('rejects %s = %j in the form', (field, value) => {
    expect(formErrors({ ...testValues, [field]: value })).toContain(field);
  });

  it('keeps at least 7 backup days in prod, as the XRD rule and the action require', () => {
    const prod = { ...testValues, environment: 'prod' };
    expect(formErrors({ ...prod, backupRetentionDays: 6 })).toContain(
      'backupRetentionDays',
    );
    expect(formErrors({ ...prod, backupRetentionDays: 7 })).toEqual([]);
    expect(
      formErrors({ ...testValues, environment: 'dev', backupRetentionDays: 0 }),
    ).toEqual([]);
    const { backupRetentionDays } = template.spec.parameters[1].properties;
    expect(backupRetentionDays.description).toMatch(/at least 7 in prod/);
  });

  it('offers exactly what the server accepts', () => {
    const database = template.spec.parameters[1].properties;
    expect(database.size.enum).toEqual([...POSTGRES_SIZES]);
    expect(database.environment.enum).toEqual([...POSTGRES_ENVIRONMENTS]);
    expect(database.deletionPolicy.enum).toEqual([
      ...POSTGRES_DELETION_POLICIES,
    ]);
    expect(database.name.not.enum).toEqual([...RESERVED_POSTGRES_NAMES]);
    for (const region of database.region.enum) {
      expect(region).toMatch(POSTGRES_REGION_PATTERN);
    }
  });

  it('describes each size as what it is on each class of service', () => {
    const { size } = template.spec.parameters[1].properties;
    expect(size.enumNames).toEqual(POSTGRES_SIZES.map(describePostgresSize));
    // The old labels promised RDS-like machines on a shared server, and wrong ones at that.
    expect(size.enumNames.join()).not.toMatch(/1 vCPU/);
  });

  it('states sizes as crossplane/environment-sizes.yaml defines them', () => {
    const sizes = yaml.parse(
      readFileSync(
        resolve(__dirname, '../../../crossplane/environment-sizes.yaml'),
        'utf8',
      ),
    ).data;
    for (const size of POSTGRES_SIZES) {
      const { sharedServer, rds } = POSTGRES_SIZE_DETAILS[size];
      expect(sizes.sharedServer[size]).toEqual(sharedServer);
      expect(sizes.rds[size]).toEqual({
        instanceClass: rds.instanceClass,
        allocatedStorage: rds.allocatedStorageGiB,
        maxAllocatedStorage: rds.maxAllocatedStorageGiB,
      });
    }
  });

  it('says how the environment chooses the class of service, as the configs have it', () => {
    const { environment } = template.spec.parameters[1].properties;
    expect(environment.description).toMatch(
      /In production dev and staging get a database on the\s+shared PostgreSQL server and prod a dedicated Amazon RDS instance; the local demo puts\s+every environment on the shared server/,
    );
    const appConfig = (file: string) =>
      yaml.parse(readFileSync(resolve(__dirname, '../../..', file), 'utf8'))
        .crossplane;
    const local = appConfig('app-config.yaml');
    const production = { ...local, ...appConfig('app-config.production.yaml') };
    const byEnvironment = (crossplane: object) =>
      readCrossplaneConfig(mockServices.rootConfig({ data: { crossplane } }))
        .compositionByEnvironment;
    // The local control plane carries out the shared-server Composition only.
    expect(byEnvironment(local)).toEqual({
      dev: 'shared-server',
      staging: 'shared-server',
      prod: 'shared-server',
    });
    expect(byEnvironment(production)).toEqual({
      dev: 'shared-server',
      staging: 'shared-server',
      prod: 'aws-rds',
    });
  });

  describe('on the scaffolder', () => {
    let plane: LocalControlPlane;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;

    beforeAll(async () => {
      plane = await startTestControlPlane();
      backend = await startTestBackend({
        features: [
          mockServices.rootConfig.factory({
            data: {
              backend: { baseUrl: 'http://localhost:7007' },
              crossplane: {
                cluster: {
                  url: plane.url,
                  token: TEST_PORTAL_TOKEN,
                  skipTLSVerify: true,
                },
                teamNamespaces: { payments: 'team-payments' },
              },
            },
          }),
          catalogServiceMock.factory({ entities: [paymentsApiComponent] }),
          mockServices.userInfo.mock({
            getUserInfo: async () => ({
              userEntityRef: USER,
              ownershipEntityRefs: [USER, 'group:default/payments'],
            }),
          }).factory,
          createPostgresProvisioningServiceFactory({
            maxAttempts: 1,
          }),
          scaffolderPlugin,
          scaffolderModuleCrossplane,
        ],
      });
    });

    afterAll(async () => {
      await backend?.stop();
      await plane?.stop();
    });

    it('dry-runs with its test values: server-side dry run, output links and Secret name', async () => {
      // The adoption action belongs to the golden-paths module; the rest runs as in the portal.
      const steps = template.spec.steps.filter(
        (s: { action: string }) => s.action !== 'portal:adoption:emit',
      );
      const response = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header(USER))
        .send({
          template: { ...template, spec: { ...template.spec, steps } },
          values: testValues,
          directoryContents: [],
        });
      expect(response.body.error).toBeUndefined();
      expect(response.status).toBe(200);
      const failed = response.body.log
        .map((l: { body: { status?: string; message: string } }) => l.body)
        .filter((b: { status?: string }) => b.status === 'failed');
      expect(failed).toEqual([]);
      expect(response.body.output.links).toEqual([
        {
          title: 'Databases tab of payments-api',
          icon: 'dashboard',
          url: '/catalog/default/component/payments-api/databases',
        },
        {
          title: 'The database in the catalog',
          icon: 'catalog',
          entityRef: 'resource:default/team-payments.orders-db',
        },
      ]);
      expect(response.body.output.text[0].content).toContain(
        'orders-db-connection',
      );
      expect(response.body.output.text[0].content).toContain(
        'is Ready: a database on the shared PostgreSQL server.',
      );
      expect(JSON.stringify(response.body)).not.toMatch(/password"?\s*:/i);
    });

    it('refuses, on the server, values a bypassed form would let through', async () => {
      const response = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header(USER))
        .send({
          template,
          values: { ...testValues, name: 'Robert"); DROP TABLE' },
          directoryContents: [],
        });
      // The scaffolder checks the parameters against the form's schema before any step runs.
      expect(response.status).toBe(400);
      expect(response.body.errors[0]).toMatchObject({
        property: 'instance.name',
      });
    });
  });
});
