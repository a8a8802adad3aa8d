import { connectionEnvYaml } from './connectionHowTo';

describe('connectionEnvYaml', () => {
  it('maps every Secret key to an env var from secretKeyRef', () => {
    const yaml = connectionEnvYaml('orders-db-connection');
    expect(yaml).toContain('- name: DATABASE_URL');
    expect(yaml).toContain('key: password');
    expect(yaml.match(/name: orders-db-connection/g)).toHaveLength(6);
  });
});
