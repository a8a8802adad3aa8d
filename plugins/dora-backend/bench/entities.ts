/** The benchmark's organisation: BENCH_SERVICES components owned round-robin by BENCH_TEAMS teams. */
export const BENCH_SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
export const BENCH_TEAMS = Number(process.env.BENCH_TEAMS ?? 20);

export const serviceName = (i: number) => `svc-${i}`;
export const serviceRef = (i: number) => `component:default/${serviceName(i)}`;
export const teamRef = (i: number) => `group:default/team-${i % BENCH_TEAMS}`;
/** Every fourth service deploys to two regions. */
export const streamsOf = (i: number) =>
  i % 4 === 0 ? ['production/eu', 'production/us'] : ['production'];

export function benchEntities() {
  return Array.from({ length: BENCH_SERVICES }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: serviceName(i), namespace: 'default', annotations: {} },
    spec: { owner: teamRef(i) },
  }));
}
