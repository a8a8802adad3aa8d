import { githubWorkflowProblems } from './githubWorkflow';

const PIN =
  'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
const SCAN =
  'anchore/scan-action@e1165082ffb1fe366ebaf02d8526e7c4989ea9d2 # v7.4.0';

/** A workflow that does it right: scan in a read-only job, push and sign on main after it. */
const good = `
on: [push, pull_request]
permissions:
  contents: read
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: ${PIN}
      - run: docker build --tag app .
      - uses: ${SCAN}
  publish:
    needs: image
    if: github.ref == 'refs/heads/main'
    permissions:
      packages: write
      id-token: write
    steps:
      - run: docker push app
      - run: cosign sign --yes app@sha256:x
`;

describe('githubWorkflowProblems', () => {
  it('accepts a scan-then-push-then-sign workflow with pinned actions', () => {
    expect(githubWorkflowProblems(good)).toEqual([]);
  });

  it('catches an action pinned to a tag, or to a SHA without its version', () => {
    expect(
      githubWorkflowProblems(
        good
          .replace(PIN, 'actions/checkout@v4')
          .replace(SCAN, SCAN.replace(' # v7.4.0', '')),
      ),
    ).toEqual([
      'actions/checkout@v4 is not pinned to a commit SHA',
      'anchore/scan-action@e1165082ffb1fe366ebaf02d8526e7c4989ea9d2 has no "# vX.Y.Z" comment naming its version',
    ]);
  });

  it('catches write permissions in a job that also runs for pull requests', () => {
    expect(
      githubWorkflowProblems(
        good.replace("    if: github.ref == 'refs/heads/main'\n", ''),
      ),
    ).toEqual([
      'job publish has write permissions but also runs for pull requests',
    ]);
  });

  it('catches a push before the scan, and a push in the scanning job', () => {
    const pushFirst = good.replace('    needs: image\n', '');
    expect(githubWorkflowProblems(pushFirst)).toEqual([
      'job publish pushes without waiting for the scan',
    ]);
    const pushWhileScanning = good.replace(
      '      - run: docker build --tag app .\n',
      '      - run: docker build --tag app . && docker push app\n',
    );
    expect(githubWorkflowProblems(pushWhileScanning)).toEqual([
      'job image pushes in the job that scans',
      'job image scans but can also write to the registry',
    ]);
  });

  it('catches a workflow that is not read-only by default', () => {
    expect(
      githubWorkflowProblems(
        good.replace('  contents: read', '  contents: write'),
      ),
    ).toEqual(['the workflow-level permissions are not read-only']);
  });
});
