import { KubeObject } from '../api/objects';
import { isAllowed, RbacSource } from './rbacAuthorizer';

const object = (kind: string, name: string, rest: object): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name },
  ...rest,
});

const readSecrets = object('ClusterRole', 'read-secrets', {
  rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
});

const rbacWith = (bindings: KubeObject[]): RbacSource => ({
  roles: () => [],
  roleBindings: () => [],
  clusterRoles: () => [readSecrets],
  clusterRoleBindings: () => bindings,
});

const alice = { user: 'alice', groups: ['system:authenticated'] };
const getSecret = {
  verb: 'get',
  group: '',
  resource: 'secrets',
  namespace: 'payments',
  name: 'db',
};

describe('RBAC authorizer', () => {
  it('grants what a binding naming the user grants, and a malformed binding grants nothing without breaking the others', () => {
    const granted = object('ClusterRoleBinding', 'alice-reads', {
      subjects: [{ kind: 'User', name: 'alice' }],
      roleRef: { kind: 'ClusterRole', name: 'read-secrets' },
    });
    const withoutRoleRef = object('ClusterRoleBinding', 'no-role', {
      subjects: [{ kind: 'User', name: 'alice' }],
    });
    const withBadSubjects = object('ClusterRoleBinding', 'bad-subjects', {
      subjects: [42, { kind: 'User' }],
      roleRef: { kind: 'ClusterRole', name: 'read-secrets' },
    });
    expect(isAllowed(alice, getSecret, rbacWith([granted]))).toBe(true);
    expect(
      isAllowed(alice, getSecret, rbacWith([withoutRoleRef, withBadSubjects])),
    ).toBe(false);
    expect(
      isAllowed(
        alice,
        getSecret,
        rbacWith([withoutRoleRef, withBadSubjects, granted]),
      ),
    ).toBe(true);
  });
});
