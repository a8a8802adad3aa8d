/** The Secret keys the Crossplane composition writes (crossplane/composition-*.yaml). */
const SECRET_KEYS: [env: string, key: string][] = [
  ['DATABASE_URL', 'uri'],
  ['PGHOST', 'host'],
  ['PGPORT', 'port'],
  ['PGDATABASE', 'database'],
  ['PGUSER', 'username'],
  ['PGPASSWORD', 'password'],
];

/**
 * The container `env` block that mounts a database's connection Secret: the portal never shows the
 * credentials, only how to get them into a workload in the same namespace.
 */
export function connectionEnvYaml(secretName: string): string {
  const lines = ['env:'];
  for (const [env, key] of SECRET_KEYS) {
    lines.push(
      `  - name: ${env}`,
      '    valueFrom:',
      '      secretKeyRef:',
      `        name: ${secretName}`,
      `        key: ${key}`,
    );
  }
  return lines.join('\n');
}
