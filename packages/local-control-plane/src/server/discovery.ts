import { ResourceType } from '../api/resourceTypes';

const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** GET /version */
export function versionInfo() {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0+local-control-plane',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'n/a',
    compiler: 'n/a',
    platform: `${process.platform}/${
      process.arch === 'x64' ? 'amd64' : process.arch
    }`,
  };
}

/** GET /api */
export function coreVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/**
 * Kubernetes version priority, highest first: GA before beta before alpha, then the higher major
 * and minor (`v2`, `v1`, `v1beta2`, `v1beta1`, `v1alpha1`), then anything else alphabetically.
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#version-priority
 */
export function compareVersionPriority(a: string, b: string): number {
  const rank = (v: string) => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
    if (!m) return undefined;
    const stability = { undefined: 2, beta: 1, alpha: 0 }[String(m[2])] ?? 0;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) {
    if (ra) return -1;
    if (rb) return 1;
    return a.localeCompare(b);
  }
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return 0;
}

/** GET /apis: every non-core group with its served versions, the highest priority preferred. */
export function groupList(types: ResourceType[]) {
  const groups = new Map<string, Set<string>>();
  for (const t of types) {
    if (!t.group) continue;
    if (!groups.has(t.group)) groups.set(t.group, new Set());
    groups.get(t.group)!.add(t.version);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups.entries()].map(([name, versions]) => {
      const list = [...versions].sort(compareVersionPriority);
      return {
        name,
        versions: list.map(version => ({
          groupVersion: `${name}/${version}`,
          version,
        })),
        preferredVersion: {
          groupVersion: `${name}/${list[0]}`,
          version: list[0],
        },
      };
    }),
  };
}

/** GET /apis/{group} */
export function group(types: ResourceType[], name: string) {
  const all = groupList(types).groups.find(g => g.name === name);
  return all ? { kind: 'APIGroup', apiVersion: 'v1', ...all } : undefined;
}

/** GET /api/v1 or /apis/{group}/{version} */
export function resourceList(types: ResourceType[], groupVersion: string) {
  const resources = types.flatMap(t => {
    const main = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs ?? VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    };
    return t.statusSubresource
      ? [
          main,
          {
            name: `${t.resource}/status`,
            singularName: '',
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : [main];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
