import { isObject, JsonObject, KubeObject } from '../api/objects';
import { UserInfo } from './authentication';

/** What a request wants to do, in RBAC terms. */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Read access to the RBAC objects currently stored. */
export interface RbacSource {
  roles(namespace: string): KubeObject[];
  roleBindings(namespace: string): KubeObject[];
  clusterRoles(): KubeObject[];
  clusterRoleBindings(): KubeObject[];
}

/** One rule of a Role or ClusterRole. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

const isSubject = (value: unknown): value is Subject =>
  isObject(value) &&
  typeof value.kind === 'string' &&
  typeof value.name === 'string' &&
  (value.namespace === undefined || typeof value.namespace === 'string');

/** The subjects of a (Cluster)RoleBinding; an entry without a kind and a name matches no one. */
function subjectsOf(binding: KubeObject): Subject[] {
  return Array.isArray(binding.subjects)
    ? binding.subjects.filter(isSubject)
    : [];
}

/** The role a (Cluster)RoleBinding grants; a binding without one grants nothing. */
function roleRefOf(
  binding: KubeObject,
): { kind: string; name: string } | undefined {
  const ref = binding.roleRef;
  return isObject(ref) &&
    typeof ref.kind === 'string' &&
    typeof ref.name === 'string'
    ? { kind: ref.kind, name: ref.name }
    : undefined;
}

const matches = (list: string[] | undefined, value: string) =>
  !!list && (list.includes('*') || list.includes(value));

function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  const resource = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  return (
    matches(rule.verbs, attrs.verb) &&
    matches(rule.apiGroups, attrs.group) &&
    (matches(rule.resources, resource) ||
      (!!attrs.subresource &&
        !!rule.resources?.includes(`*/${attrs.subresource}`))) &&
    (!rule.resourceNames?.length ||
      (!!attrs.name && rule.resourceNames.includes(attrs.name)))
  );
}

function subjectMatches(subject: Subject, who: UserInfo): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === who.user;
    case 'Group':
      return who.groups.includes(subject.name);
    case 'ServiceAccount':
      return (
        who.user ===
        `system:serviceaccount:${subject.namespace}:${subject.name}`
      );
    default:
      return false;
  }
}

function rulesOf(role: KubeObject | undefined): PolicyRule[] {
  return ((role as JsonObject | undefined)?.rules as PolicyRule[]) ?? [];
}

/**
 * What kube-apiserver's bootstrap policy grants every authenticated user (the ClusterRoles
 * system:basic-user, system:discovery and system:public-info-viewer, bound to system:authenticated):
 * asking about one's own permissions and identity, and reading discovery.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles
 */
export const AUTHENTICATED_USER_RULES: PolicyRule[] = [
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    verbs: ['create'],
  },
  {
    apiGroups: ['authentication.k8s.io'],
    resources: ['selfsubjectreviews'],
    verbs: ['create'],
  },
  {
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/healthz',
      '/livez',
      '/openapi',
      '/openapi/*',
      '/readyz',
      '/version',
      '/version/',
    ],
    verbs: ['get'],
  },
];

/**
 * What system:public-info-viewer grants everyone, the anonymous user included: health and version.
 */
export const PUBLIC_INFO_RULES: PolicyRule[] = [
  {
    nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
    verbs: ['get'],
  },
];

/** Whether `who` bypasses RBAC, as members of `system:masters` do on a real cluster. */
export function isSuperUser(who: UserInfo): boolean {
  return who.groups.includes('system:masters');
}

/**
 * The policy rules that apply to `who` in `namespace` (cluster-wide rules only when namespace is
 * undefined): every rule of the roles bound to them, as kube-apiserver's RBAC authorizer collects
 * them for SelfSubjectRulesReview.
 */
export function rulesFor(
  who: UserInfo,
  namespace: string | undefined,
  rbac: RbacSource,
): PolicyRule[] {
  const clusterRoles = new Map(
    rbac.clusterRoles().map(r => [r.metadata.name, r]),
  );
  const rulesOfBinding = (binding: KubeObject, ns?: string) => {
    if (!subjectsOf(binding).some(s => subjectMatches(s, who))) return [];
    const ref = roleRefOf(binding);
    if (!ref) return [];
    let role: KubeObject | undefined;
    if (ref.kind === 'ClusterRole') role = clusterRoles.get(ref.name);
    else if (ns) role = rbac.roles(ns).find(r => r.metadata.name === ref.name);
    return rulesOf(role);
  };
  return [
    ...PUBLIC_INFO_RULES,
    ...(who.groups.includes('system:authenticated')
      ? AUTHENTICATED_USER_RULES
      : []),
    ...rbac.clusterRoleBindings().flatMap(b => rulesOfBinding(b)),
    ...(namespace
      ? rbac.roleBindings(namespace).flatMap(b => rulesOfBinding(b, namespace))
      : []),
  ];
}

/**
 * Kubernetes RBAC over the Role/ClusterRole/RoleBinding/ClusterRoleBinding objects in the store
 * (seeded from crossplane/rbac). Members of `system:masters` bypass it, as on a real cluster.
 */
export function isAllowed(
  who: UserInfo,
  attrs: RequestAttributes,
  rbac: RbacSource,
): boolean {
  if (isSuperUser(who)) return true;
  return rulesFor(who, attrs.namespace, rbac).some(rule =>
    ruleAllows(rule, attrs),
  );
}

/** RBAC for a non-resource URL (`/healthz`, `/version`): `nonResourceURLs` with an optional `*` suffix. */
export function isAllowedNonResource(
  who: UserInfo,
  verb: string,
  path: string,
  rbac: RbacSource,
): boolean {
  if (isSuperUser(who)) return true;
  return rulesFor(who, undefined, rbac).some(
    rule =>
      matches(rule.verbs, verb) &&
      !!rule.nonResourceURLs?.some(
        u =>
          u === path ||
          u === '*' ||
          (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
      ),
  );
}
