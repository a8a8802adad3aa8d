import yaml from 'yaml';

/** Top-level keys of a `.gitlab-ci.yml` that configure the pipeline rather than name a job. */
const GLOBAL_KEYWORDS = new Set([
  'after_script',
  'before_script',
  'cache',
  'default',
  'image',
  'include',
  'services',
  'spec',
  'stages',
  'variables',
  'workflow',
]);

/** The keywords GitLab accepts in a job; anything else is a typo GitLab would reject. */
const JOB_KEYWORDS = new Set([
  'after_script',
  'allow_failure',
  'artifacts',
  'before_script',
  'cache',
  'coverage',
  'dependencies',
  'environment',
  'extends',
  'hooks',
  'id_tokens',
  'identity',
  'image',
  'inherit',
  'interruptible',
  'manual_confirmation',
  'needs',
  'pages',
  'parallel',
  'release',
  'resource_group',
  'retry',
  'rules',
  'script',
  'secrets',
  'services',
  'stage',
  'tags',
  'timeout',
  'trigger',
  'variables',
  'when',
]);

/** GitLab's stages when a file lists none, and the stage of a job that names none. */
const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];
const DEFAULT_STAGE = 'test';

const DEFAULT_BRANCH_RULE = /^\$CI_COMMIT_BRANCH\s*==\s*\$CI_DEFAULT_BRANCH$/;

/**
 * The jobs of a golden path's GitLab CI, the counterparts of its GitHub workflow: tests, a
 * daemonless image build, an SPDX SBOM (syft), a vulnerability scan (grype), the push to the
 * project's registry and the cosign keyless signature.
 *
 * @public
 */
export const GOLDEN_PATH_GITLAB_JOBS = [
  'test',
  'build-image',
  'sbom',
  'scan',
  'push-image',
  'sign',
] as const;

/**
 * One job of a GitLab CI pipeline, as far as the golden-path checks read it.
 *
 * @public
 */
export interface GitlabJob {
  stage?: string;
  extends?: string | string[];
  needs?: Array<string | { job: string }>;
  image?: string | { name?: string };
  services?: unknown;
  script?: string | string[];
  rules?: Array<{ if?: string }>;
  id_tokens?: Record<string, { aud?: string | string[] }>;
}

/**
 * A parsed `.gitlab-ci.yml`: its stages, variables and jobs with `extends` applied.
 *
 * @public
 */
export interface GitlabPipeline {
  stages: string[];
  variables: Record<string, unknown>;
  workflowRules: string[];
  jobs: Map<string, GitlabJob>;
}

/**
 * Parses a `.gitlab-ci.yml`; throws on YAML that is not a mapping.
 *
 * @public
 */
export function parseGitlabCi(text: string): GitlabPipeline {
  const document = yaml.parse(text);
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new Error('the file is not a YAML mapping');
  }
  const templates = new Map<string, GitlabJob>();
  const declared = new Map<string, GitlabJob>();
  for (const [key, value] of Object.entries(document)) {
    if (GLOBAL_KEYWORDS.has(key)) continue;
    (key.startsWith('.') ? templates : declared).set(key, value as GitlabJob);
  }
  // `extends` merges the named hidden jobs under the job's own keys (one level is all we use).
  const jobs = new Map<string, GitlabJob>();
  for (const [name, job] of declared) {
    const bases = [job.extends ?? []].flat();
    jobs.set(
      name,
      Object.assign({}, ...bases.map(base => templates.get(base) ?? {}), job),
    );
  }
  return {
    stages: document.stages ?? DEFAULT_STAGES,
    variables: document.variables ?? {},
    workflowRules: (document.workflow?.rules ?? []).map(
      (rule: { if?: string }) => rule.if ?? '',
    ),
    jobs,
  };
}

const scriptOf = (job: GitlabJob | undefined) =>
  [job?.script ?? []].flat().join('\n');
const imageOf = (job: GitlabJob | undefined) =>
  typeof job?.image === 'string' ? job.image : job?.image?.name ?? '';
const needsOf = (job: GitlabJob | undefined) =>
  (job?.needs ?? []).map(need => (typeof need === 'string' ? need : need.job));
const onDefaultBranchOnly = (job: GitlabJob | undefined) =>
  !!job?.rules?.length &&
  job.rules.every(rule => DEFAULT_BRANCH_RULE.test(rule.if?.trim() ?? ''));

/**
 * Everything that keeps a golden path's `.gitlab-ci.yml` from doing the work of its GitHub
 * workflow, as sentences (empty when it is fine). Structure: YAML, known stages, `needs` that name
 * jobs. Work: tests; an image built without a Docker daemon; an SBOM by syft; a grype scan that
 * fails on high and critical findings; a push to the project's registry only on the default branch
 * and only after the scan; a keyless cosign signature of the pushed digest with GitLab's OIDC
 * token.
 *
 * @public
 */
export function gitlabCiProblems(text: string): string[] {
  let pipeline: GitlabPipeline;
  try {
    pipeline = parseGitlabCi(text);
  } catch (error) {
    return [`not valid GitLab CI YAML: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const { jobs, stages } = pipeline;

  if (!pipeline.workflowRules.some(rule => /merge_request_event/.test(rule))) {
    problems.push('workflow:rules do not run merge request pipelines');
  }
  if (!pipeline.workflowRules.some(rule => DEFAULT_BRANCH_RULE.test(rule))) {
    problems.push('workflow:rules do not run on the default branch');
  }
  for (const name of GOLDEN_PATH_GITLAB_JOBS) {
    if (!jobs.has(name)) problems.push(`job ${name} is missing`);
  }
  for (const [name, job] of jobs) {
    for (const keyword of Object.keys(job)) {
      if (!JOB_KEYWORDS.has(keyword)) {
        problems.push(`job ${name}: unknown keyword ${keyword}`);
      }
    }
    const stage = job.stage ?? DEFAULT_STAGE;
    if (!stages.includes(stage)) {
      problems.push(`job ${name}: stage ${stage} is not in stages`);
    }
    if (!scriptOf(job).trim()) problems.push(`job ${name} has no script`);
    for (const need of needsOf(job)) {
      if (!jobs.has(need))
        problems.push(`job ${name} needs unknown job ${need}`);
    }
  }

  const build = jobs.get('build-image');
  if (build) {
    const tool = `${imageOf(build)}\n${scriptOf(build)}`;
    if (!/buildah|kaniko/.test(tool)) {
      problems.push('build-image does not build with buildah or kaniko');
    }
    if (build.services || /docker (build|push)/.test(scriptOf(build))) {
      problems.push('build-image relies on a Docker daemon');
    }
  }
  const sbom = jobs.get('sbom');
  if (sbom && !/syft[\s\S]*spdx-json/.test(scriptOf(sbom))) {
    problems.push('sbom does not write an SPDX JSON SBOM with syft');
  }
  const scan = jobs.get('scan');
  if (
    scan &&
    !/grype[\s\S]*--fail-on (high|medium|low|negligible)\b/.test(scriptOf(scan))
  ) {
    problems.push(
      'scan does not fail on high and critical findings with grype',
    );
  }
  const push = jobs.get('push-image');
  if (push) {
    const image = String(pipeline.variables.IMAGE ?? '');
    const pushesToProjectRegistry =
      /\bpush\b/.test(scriptOf(push)) &&
      (scriptOf(push).includes('$CI_REGISTRY_IMAGE') ||
        (scriptOf(push).includes('$IMAGE') &&
          image.startsWith('$CI_REGISTRY_IMAGE')));
    if (!pushesToProjectRegistry) {
      problems.push("push-image does not push to the project's registry");
    }
    if (!onDefaultBranchOnly(push)) {
      problems.push('push-image does not run on the default branch only');
    }
    if (!needsOf(push).includes('scan')) {
      problems.push('push-image does not wait for the scan');
    }
  }
  const sign = jobs.get('sign');
  if (sign) {
    const audience = [sign.id_tokens?.SIGSTORE_ID_TOKEN?.aud ?? []].flat();
    if (!audience.includes('sigstore')) {
      problems.push(
        'sign has no id_tokens SIGSTORE_ID_TOKEN with aud sigstore (keyless signing)',
      );
    }
    if (!/cosign sign\b.*@/.test(scriptOf(sign))) {
      problems.push('sign does not sign the image by digest with cosign');
    }
    if (!onDefaultBranchOnly(sign)) {
      problems.push('sign does not run on the default branch only');
    }
    if (!needsOf(sign).includes('push-image')) {
      problems.push('sign does not wait for push-image');
    }
  }
  return problems;
}
