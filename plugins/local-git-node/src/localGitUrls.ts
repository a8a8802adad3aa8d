import {
  isValidRef,
  isValidRepositoryName,
  normalizeRepositoryPath,
} from './repositoryNames';

/** The URLs of a repository on the local Git host. @public */
export interface LocalGitRepositoryUrls {
  /** Page for people: the file listing of the default branch. */
  remoteUrl: string;
  /** For `catalog:register` (`repoContentsUrl` + `catalogInfoPath`) and URL readers. */
  repoContentsUrl: string;
  /** For `git clone`. */
  cloneUrl: string;
}

/** Builds the URLs of repository `name` under the host's `baseUrl`. @public */
export function buildLocalGitUrls(
  baseUrl: string,
  name: string,
  branch: string,
): LocalGitRepositoryUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    remoteUrl: `${base}/${name}/tree/${branch}/`,
    repoContentsUrl: `${base}/${name}/blob/${branch}/`,
    cloneUrl: `${base}/${name}.git`,
  };
}

/** A location inside a repository on the local Git host. @public */
export interface LocalGitLocation {
  repo: string;
  /** Branch or commit; undefined for the repository's root URL (default branch). */
  ref?: string;
  /** Path inside the repository without leading or trailing slashes; '' for the root. */
  path: string;
}

/**
 * Parses `<baseUrl>/<repo>[/(tree|blob)/<ref>[/<path>]]` (the `.git` suffix on the repo is accepted).
 * Returns undefined for URLs outside the host, malformed names or refs, and path traversal.
 *
 * @public
 */
export function parseLocalGitUrl(
  baseUrl: string,
  url: string,
): LocalGitLocation | undefined {
  let parsed: URL;
  let base: URL;
  try {
    parsed = new URL(url);
    base = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (
    parsed.origin !== base.origin ||
    !parsed.pathname.startsWith(`${basePath}/`)
  ) {
    return undefined;
  }
  let segments: string[];
  try {
    segments = parsed.pathname
      .slice(basePath.length + 1)
      .split('/')
      .map(s => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  const repo = segments[0].replace(/\.git$/, '');
  if (!isValidRepositoryName(repo)) return undefined;
  const rest = segments.slice(1);
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
    return { repo, path: '' };
  }
  if ((rest[0] !== 'tree' && rest[0] !== 'blob') || !isValidRef(rest[1])) {
    return undefined;
  }
  try {
    return {
      repo,
      ref: rest[1],
      path: normalizeRepositoryPath(rest.slice(2).join('/')),
    };
  } catch {
    return undefined;
  }
}
