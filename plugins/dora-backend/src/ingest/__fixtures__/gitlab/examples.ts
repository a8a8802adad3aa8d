import deployment from './deployment.json';
import mergeRequest from './merge-request.json';
import push from './push.json';

/** GitLab's documented payloads (see README.md), for tests. */
export const gitlabExamples = { push, mergeRequest, deployment };

/** A deep copy of a documented payload with some fields changed, as a GitLab instance would send it. */
export function gitlabExample<T>(
  payload: T,
  change: (copy: any) => void = () => {},
): T {
  const copy = structuredClone(payload);
  change(copy);
  return copy;
}

/** The documented merge request event as GitLab sends it when the request is merged. */
export const mergedRequest = (mergeCommitSha: string, mergedAt: string) =>
  gitlabExample(mergeRequest, p => {
    p.object_attributes.action = 'merge';
    p.object_attributes.state = 'merged';
    p.object_attributes.merge_commit_sha = mergeCommitSha;
    p.object_attributes.updated_at = mergedAt;
  });
