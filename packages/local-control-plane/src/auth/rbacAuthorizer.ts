import { JsonObject, KubeObject } from '../api/objects';
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

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
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
 * Kubernetes RBAC over the Role/ClusterRole/RoleBinding/ClusterRoleBinding objects in the store
 * (seeded from crossplane/rbac). Members of `system:masters` bypass it, as on a real cluster.
 */
export function isAllowed(
  who: UserInfo,
  attrs: RequestAttributes,
  rbac: RbacSource,
): boolean {
  if (who.groups.includes('system:masters')) return true;
  const clusterRoles = new Map(
    rbac.clusterRoles().map(r => [r.metadata.name, r]),
  );
  const bindingAllows = (binding: KubeObject, namespace?: string) => {
    const subjects =
      ((binding as JsonObject).subjects as unknown as Subject[]) ?? [];
    if (!subjects.some(s => subjectMatches(s, who))) return false;
    const ref = (binding as JsonObject).roleRef as unknown as {
      kind: string;
      name: string;
    };
    let role: KubeObject | undefined;
    if (ref.kind === 'ClusterRole') role = clusterRoles.get(ref.name);
    else if (namespace) {
      role = rbac.roles(namespace).find(r => r.metadata.name === ref.name);
    }
    return rulesOf(role).some(rule => ruleAllows(rule, attrs));
  };
  if (rbac.clusterRoleBindings().some(b => bindingAllows(b))) return true;
  if (attrs.namespace) {
    return rbac
      .roleBindings(attrs.namespace)
      .some(b => bindingAllows(b, attrs.namespace));
  }
  return false;
}
