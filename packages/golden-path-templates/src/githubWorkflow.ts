import yaml from 'yaml';

// What a golden path's GitHub Actions workflow must do for a first deploy that is safe: scan before
// anything reaches the registry, give write permissions only to jobs that run on main, and run
// actions pinned to commits. GitHub's own guidance, cited in templates/README.md: pinning an action
// to a full-length commit SHA is "the only way to use an action as an immutable release"
// (security hardening for GitHub Actions), and GITHUB_TOKEN's permissions should be the least a
// job needs, set per job (`permissions`); a pull request's workflow must not hold
// `packages: write` or `id-token: write`.

interface WorkflowStep {
  uses?: string;
  run?: string;
  if?: string;
}
interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string> | string;
  steps?: WorkflowStep[];
}

const MAIN_ONLY = /^\s*github\.ref\s*==\s*'refs\/heads\/main'\s*$/;
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;

const needsOf = (job: WorkflowJob) => [job.needs ?? []].flat();
const runs = (job: WorkflowJob) =>
  (job.steps ?? []).map(step => step.run ?? '').join('\n');
const usesAny = (job: WorkflowJob, action: string) =>
  (job.steps ?? []).some(step => step.uses?.startsWith(`${action}@`));
const writes = (job: WorkflowJob) =>
  typeof job.permissions === 'string'
    ? job.permissions === 'write-all'
    : Object.values(job.permissions ?? {}).some(p => p === 'write');

/** Every job `name` waits for, directly or not. */
function upstream(
  jobs: Record<string, WorkflowJob>,
  name: string,
): Set<string> {
  const seen = new Set<string>();
  const visit = (job: string) => {
    for (const need of needsOf(jobs[job] ?? {})) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(name);
  return seen;
}

/** Everything wrong with a golden path's GitHub workflow, as sentences (empty when it is fine). */
export function githubWorkflowProblems(text: string): string[] {
  let workflow: {
    permissions?: Record<string, string> | string;
    jobs?: Record<string, WorkflowJob>;
  };
  try {
    workflow = yaml.parse(text);
  } catch (error) {
    return [`not valid YAML: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const jobs = workflow.jobs ?? {};

  // Pinning: the comment carries the version a reader (and Dependabot) goes by.
  for (const line of text.split('\n')) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!match) continue;
    const [, ref, rest] = match;
    if (!PINNED.test(ref)) {
      problems.push(`${ref} is not pinned to a commit SHA`);
    } else if (!/^\s+#\s*v\d+(\.\d+)*\b/.test(rest)) {
      problems.push(`${ref} has no "# vX.Y.Z" comment naming its version`);
    }
  }

  if (writes({ permissions: workflow.permissions ?? 'write-all' })) {
    problems.push('the workflow-level permissions are not read-only');
  }
  for (const [name, job] of Object.entries(jobs)) {
    if (writes(job) && !MAIN_ONLY.test(job.if ?? '')) {
      problems.push(
        `job ${name} has write permissions but also runs for pull requests`,
      );
    }
  }

  const scanners = Object.keys(jobs).filter(name =>
    usesAny(jobs[name], 'anchore/scan-action'),
  );
  if (!scanners.length) problems.push('no job scans the image with grype');
  const pushers = Object.keys(jobs).filter(name =>
    /\bdocker push\b/.test(runs(jobs[name])),
  );
  if (!pushers.length) problems.push('no job pushes the image');
  for (const name of pushers) {
    if (scanners.includes(name)) {
      problems.push(`job ${name} pushes in the job that scans`);
    } else if (!scanners.some(scanner => upstream(jobs, name).has(scanner))) {
      problems.push(`job ${name} pushes without waiting for the scan`);
    }
  }
  for (const name of scanners) {
    if (
      /\bdocker (push|login)\b/.test(runs(jobs[name])) ||
      writes(jobs[name])
    ) {
      problems.push(`job ${name} scans but can also write to the registry`);
    }
  }
  const signers = Object.keys(jobs).filter(name =>
    /\bcosign sign\b/.test(runs(jobs[name])),
  );
  if (!signers.length) problems.push('no job signs the image with cosign');
  for (const name of signers) {
    const steps = jobs[name].steps ?? [];
    const pushAt = steps.findIndex(s => /\bdocker push\b/.test(s.run ?? ''));
    const signAt = steps.findIndex(s => /\bcosign sign\b/.test(s.run ?? ''));
    const afterPush =
      (pushAt >= 0 && pushAt < signAt) ||
      pushers.some(pusher => upstream(jobs, name).has(pusher));
    if (!afterPush) problems.push(`job ${name} signs before the push`);
  }
  return problems;
}
