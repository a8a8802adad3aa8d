import yaml from 'yaml';

// Checks on a rendered service skeleton (the files of a dry run, by path) for what makes its first
// deploy fail on a real cluster, each returning readable sentences (empty when it is fine). These
// read the rendered values files and the template lines that consume them; helmChart.ts renders
// the chart templates themselves for the checks on the manifests a cluster gets.

/** A dry run's rendered files, by path. */
export type RenderedFiles = Map<string, string>;

const NUMERIC_USER = /^(\d+)(?::(\d+))?$/;

/** The USER of a Dockerfile's last stage (what the image runs as), or undefined. */
export function imageUser(dockerfile: string): string | undefined {
  const stages = dockerfile.split(/^FROM\s/im);
  const last = stages[stages.length - 1];
  const users = [...last.matchAll(/^USER\s+(\S+)\s*$/gim)].map(m => m[1]);
  return users[users.length - 1];
}

function parse(files: RenderedFiles, path: string): any {
  const text = files.get(path);
  return text === undefined ? undefined : yaml.parse(text);
}

/**
 * Item 1: kubelet enforces `runAsNonRoot` by the image's user only when that user is numeric; for a
 * named user (`nonroot`, `node`) and no `runAsUser` it refuses the container with
 * CreateContainerConfigError ("image has non-numeric user ..., cannot verify user is non-root").
 * So the image's USER must be a non-zero number and the pod's `runAsUser` the same number.
 */
export function runAsNonRootProblems(files: RenderedFiles): string[] {
  const problems: string[] = [];
  const user = imageUser(files.get('Dockerfile') ?? '');
  const numeric = user ? NUMERIC_USER.exec(user) : null;
  if (!numeric) {
    problems.push(
      `Dockerfile's last stage runs as ${JSON.stringify(
        user,
      )}, not a numeric user (kubelet cannot verify runAsNonRoot)`,
    );
  } else if (Number(numeric[1]) === 0) {
    problems.push("Dockerfile's last stage runs as root (uid 0)");
  }
  const pod = parse(files, 'chart/values.yaml')?.podSecurityContext;
  if (pod?.runAsNonRoot !== true) {
    problems.push(
      'chart/values.yaml: podSecurityContext.runAsNonRoot is not true',
    );
  }
  if (!Number.isInteger(pod?.runAsUser) || pod.runAsUser === 0) {
    problems.push(
      `chart/values.yaml: podSecurityContext.runAsUser is ${JSON.stringify(
        pod?.runAsUser,
      )}, not a non-root uid`,
    );
  } else if (numeric && pod.runAsUser !== Number(numeric[1])) {
    problems.push(
      `chart/values.yaml: podSecurityContext.runAsUser ${pod.runAsUser} differs from the image's USER ${user}`,
    );
  }
  if (numeric?.[2] && pod?.runAsGroup !== Number(numeric[2])) {
    problems.push(
      `chart/values.yaml: podSecurityContext.runAsGroup ${pod?.runAsGroup} differs from the image's group ${numeric[2]}`,
    );
  }
  const deployment = files.get('chart/templates/deployment.yaml') ?? '';
  if (
    !/securityContext:\n\s+\{\{-\s*toYaml \.Values\.podSecurityContext \| nindent 8\s*\}\}/.test(
      deployment,
    )
  ) {
    problems.push(
      "chart/templates/deployment.yaml does not take the pod's securityContext from .Values.podSecurityContext",
    );
  }
  return problems;
}

const ENVIRONMENT_VALUES = [
  'chart/values-staging.yaml',
  'chart/values-production.yaml',
];

/**
 * Item 2: CI pushes only `<commit>` tags, so a chart that defaults to `latest` pulls an image that
 * does not exist. The tag must come per environment from CI (values-<environment>.yaml, one
 * `tag:` line that CI rewrites), and the chart must refuse to render without one.
 */
export function imageTagProblems(files: RenderedFiles): string[] {
  const problems: string[] = [];
  const tag = parse(files, 'chart/values.yaml')?.image?.tag;
  if (tag === 'latest' || (tag !== '' && tag !== undefined)) {
    problems.push(
      `chart/values.yaml sets image.tag ${JSON.stringify(
        tag,
      )} for every environment; each environment names its own commit`,
    );
  }
  for (const path of ENVIRONMENT_VALUES) {
    const text = files.get(path) ?? '';
    const tagLines = text.split('\n').filter(line => /^ {2}tag:/.test(line));
    if (tagLines.length !== 1 || parse(files, path)?.image?.tag === undefined) {
      problems.push(
        `${path} needs exactly one "  tag:" line under image (CI rewrites it), found ${tagLines.length}`,
      );
    }
    if (parse(files, path)?.image?.tag === 'latest') {
      problems.push(`${path} deploys "latest"`);
    }
  }
  const deployment = files.get('chart/templates/deployment.yaml') ?? '';
  if (!/\{\{\s*required "[^"]+" \.Values\.image\.tag\s*\}\}/.test(deployment)) {
    problems.push(
      'chart/templates/deployment.yaml renders without an image tag instead of failing with `required`',
    );
  }
  const ci = [
    files.get('.github/workflows/ci.yaml'),
    files.get('.gitlab-ci.yml'),
  ].filter((text): text is string => text !== undefined);
  const writesStagingTag = (text: string) =>
    /sed -i -E "s\/\^\( {2}tag: \)\.\*\$\/\\1'\$\{(GITHUB_SHA|CI_COMMIT_SHA)\}'\/" chart\/values-staging\.yaml/.test(
      text,
    );
  if (!ci.length || !ci.every(writesStagingTag)) {
    problems.push(
      "CI does not write the pushed image's tag into chart/values-staging.yaml",
    );
  }
  return problems;
}

/**
 * Item 3: Argo CD deploys staging and production to separate clusters; each mounts its own
 * environment's connection Secret, `<name>-staging-connection` or `<name>-prod-connection`, only
 * where a database was asked for.
 */
export function databaseProblems(
  files: RenderedFiles,
  options: { name: string; database: boolean },
): string[] {
  const problems: string[] = [];
  const defaults = parse(files, 'chart/values.yaml')?.database;
  if (defaults?.enabled !== false) {
    problems.push(
      'chart/values.yaml enables a database for every environment; values-<environment>.yaml decides',
    );
  }
  for (const [path, environment] of [
    ['chart/values-staging.yaml', 'staging'],
    ['chart/values-production.yaml', 'prod'],
  ]) {
    const database = parse(files, path)?.database;
    const expected = options.database
      ? {
          enabled: true,
          secretName: `${options.name}-${environment}-connection`,
        }
      : undefined;
    if (JSON.stringify(database) !== JSON.stringify(expected)) {
      problems.push(
        `${path}: database is ${JSON.stringify(
          database,
        )}, expected ${JSON.stringify(expected)}`,
      );
    }
  }
  return problems;
}

/**
 * Item 6: the Kubernetes tab lists the component's namespace only (the portal's RBAC is
 * namespace-scoped), so `backstage.io/kubernetes-namespace` must name where Argo CD deploys it;
 * and the ServiceMonitor renders only where the Prometheus Operator's API exists.
 */
export function kubernetesTabProblems(files: RenderedFiles): string[] {
  const problems: string[] = [];
  const annotations =
    parse(files, 'catalog-info.yaml')?.metadata?.annotations ?? {};
  const namespace = annotations['backstage.io/kubernetes-namespace'];
  for (const path of [
    'deploy/argocd/staging.yaml',
    'deploy/argocd/production.yaml',
  ]) {
    const destination = parse(files, path)?.spec?.destination?.namespace;
    if (!namespace || destination !== namespace) {
      problems.push(
        `catalog-info.yaml's backstage.io/kubernetes-namespace ${JSON.stringify(
          namespace,
        )} is not ${path}'s destination namespace ${JSON.stringify(
          destination,
        )}`,
      );
    }
  }
  const monitor = files.get('chart/templates/servicemonitor.yaml') ?? '';
  if (
    !/^\{\{-\s*if and \.Values\.serviceMonitor\.enabled \(\.Capabilities\.APIVersions\.Has "monitoring\.coreos\.com\/v1\/ServiceMonitor"\)\s*\}\}/.test(
      monitor,
    )
  ) {
    problems.push(
      'chart/templates/servicemonitor.yaml renders a ServiceMonitor on clusters without the Prometheus Operator',
    );
  }
  if (
    typeof parse(files, 'chart/values.yaml')?.serviceMonitor?.enabled !==
    'boolean'
  ) {
    problems.push('chart/values.yaml has no serviceMonitor.enabled flag');
  }
  return problems;
}
