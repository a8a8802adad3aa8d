import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'yaml';
import { gitlabCiProblems, parseGitlabCi } from './gitlabCi';

const templatesDir = resolve(__dirname, '../../../templates');
const SERVICE_TEMPLATES = ['typescript-service', 'go-service', 'static-site'];

const read = (template: string, file: string) =>
  fs.readFile(join(templatesDir, template, 'skeleton', file), 'utf8');

describe('golden-path GitLab CI', () => {
  it.each(SERVICE_TEMPLATES)(
    '%s: .gitlab-ci.yml does the work of the GitHub workflow',
    async template => {
      expect(gitlabCiProblems(await read(template, '.gitlab-ci.yml'))).toEqual(
        [],
      );
    },
  );

  it.each(SERVICE_TEMPLATES)(
    "%s: the test job runs the GitHub workflow's test commands",
    async template => {
      const github = yaml.parse(
        await read(template, '.github/workflows/ci.yaml'),
      );
      const commands: string[] = github.jobs.test.steps
        .filter((step: { run?: string }) => step.run)
        .map((step: { run: string }) => step.run);
      expect(commands.length).toBeGreaterThan(0);
      const script = [
        parseGitlabCi(await read(template, '.gitlab-ci.yml')).jobs.get('test')
          ?.script ?? [],
      ].flat();
      for (const command of commands) {
        expect({
          command,
          found: script.some(l => l.startsWith(command)),
        }).toEqual({ command, found: true });
      }
    },
  );

  describe('catches a GitLab CI that falls short', () => {
    let good: any;
    beforeAll(async () => {
      good = yaml.parse(await read('typescript-service', '.gitlab-ci.yml'));
    });
    const problemsAfter = (change: (ci: any) => void) => {
      const ci = structuredClone(good);
      change(ci);
      return gitlabCiProblems(yaml.stringify(ci));
    };

    it('that is not YAML or not a mapping', () => {
      expect(gitlabCiProblems('test: [unclosed')).toEqual([
        expect.stringContaining('not valid GitLab CI YAML'),
      ]);
      expect(gitlabCiProblems('- a list')).toEqual([
        expect.stringContaining('not a YAML mapping'),
      ]);
    });

    it.each<[string, (ci: any) => void, string]>([
      ['without a sign job', ci => delete ci.sign, 'job sign is missing'],
      [
        'with a misspelt keyword',
        ci => {
          ci.sign.id_token = ci.sign.id_tokens;
          delete ci.sign.id_tokens;
        },
        'job sign: unknown keyword id_token',
      ],
      [
        'with a stage that is not listed',
        ci => (ci.sbom.stage = 'audit'),
        'job sbom: stage audit is not in stages',
      ],
      [
        'with needs on an unknown job',
        ci => (ci.scan.needs = ['bom']),
        'job scan needs unknown job bom',
      ],
      [
        'building with Docker-in-Docker',
        ci => {
          delete ci['build-image'].extends;
          ci['build-image'].image = 'docker:27';
          ci['build-image'].services = ['docker:27-dind'];
          ci['build-image'].script = ['docker build -t "$IMAGE" .'];
        },
        'build-image does not build with buildah or kaniko',
      ],
      [
        'with an SBOM in another format',
        ci => (ci.sbom.script = ['/syft docker-archive:image.tar -o json']),
        'sbom does not write an SPDX JSON SBOM with syft',
      ],
      [
        'with a scan that never fails',
        ci => (ci.scan.script = ['/grype sbom:sbom.spdx.json']),
        'scan does not fail on high and critical findings with grype',
      ],
      [
        'with a scan that fails on critical findings only',
        ci =>
          (ci.scan.script = ['/grype sbom:sbom.spdx.json --fail-on critical']),
        'scan does not fail on high and critical findings with grype',
      ],
      [
        'pushing on merge requests',
        ci => delete ci['push-image'].rules,
        'push-image does not run on the default branch only',
      ],
      [
        'pushing before the scan',
        ci => (ci['push-image'].needs = ['build-image']),
        'push-image does not wait for the scan',
      ],
      [
        'pushing to another registry',
        ci => (ci.variables.IMAGE = 'docker.io/fernhill/app:$CI_COMMIT_SHA'),
        "push-image does not push to the project's registry",
      ],
      [
        'signing without the OIDC token',
        ci => delete ci.sign.id_tokens,
        'sign has no id_tokens SIGSTORE_ID_TOKEN with aud sigstore (keyless signing)',
      ],
      [
        'signing a tag',
        ci => (ci.sign.script = ['cosign sign "$IMAGE"']),
        'sign does not sign the image by digest with cosign',
      ],
      [
        'running on every branch',
        ci => (ci.workflow.rules = [{ if: '$CI_COMMIT_BRANCH' }]),
        'workflow:rules do not run merge request pipelines',
      ],
    ])('%s', (_name, change, problem) => {
      expect(problemsAfter(change)).toContain(problem);
    });
  });
});
