import {
  ReadTreeResponseFactory,
  ReaderFactory,
} from '@backstage/backend-defaults/urlReader';
import {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import {
  LocalGitLocation,
  LocalGitRepositories,
  parseLocalGitUrl,
} from '@internal/plugin-local-git-node';
import { minimatch } from 'minimatch';
import { Readable } from 'node:stream';

const GLOB_CHARACTERS = /[*?[\]{}]/;

/**
 * Reads files, trees and glob searches from the local Git host straight from its bare
 * repositories (no HTTP round trip), for the catalog and TechDocs. URLs have the form
 * `<baseUrl>/<repo>/(blob|tree)/<branch-or-commit>/<path>`; etags are blob ids for files and
 * commit ids for trees.
 *
 * @public
 */
export class LocalGitUrlReader implements UrlReaderService {
  /** A factory for `urlReaderFactoriesServiceRef` over the given repositories. */
  static factory(repositories: LocalGitRepositories): ReaderFactory {
    return ({ treeResponseFactory }) => {
      const base = new URL(repositories.baseUrl);
      const basePath = `${base.pathname.replace(/\/+$/, '')}/`;
      return [
        {
          reader: new LocalGitUrlReader(repositories, treeResponseFactory),
          predicate: url =>
            url.origin === base.origin && url.pathname.startsWith(basePath),
        },
      ];
    };
  }

  constructor(
    private readonly repositories: LocalGitRepositories,
    private readonly treeResponseFactory: ReadTreeResponseFactory,
  ) {}

  private parse(url: string): LocalGitLocation {
    const location = parseLocalGitUrl(this.repositories.baseUrl, url);
    if (!location) {
      throw new NotFoundError(
        `${url} is not a file or folder URL of the local Git host (<base>/<repo>/blob/<branch>/<path>)`,
      );
    }
    return location;
  }

  private async commitOf(location: LocalGitLocation): Promise<string> {
    return this.repositories.resolveCommit(location.repo, location.ref);
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const location = this.parse(url);
    const commit = await this.commitOf(location);
    const info = await this.repositories.stat(
      location.repo,
      commit,
      location.path,
    );
    if (info.type !== 'blob') {
      throw new NotFoundError(`${url} is a folder, not a file`);
    }
    if (options?.etag && options.etag === info.oid) {
      throw new NotModifiedError();
    }
    const lastModifiedAt = await this.repositories.commitDate(
      location.repo,
      commit,
    );
    if (
      options?.lastModifiedAfter &&
      lastModifiedAt <= options.lastModifiedAfter
    ) {
      throw new NotModifiedError();
    }
    const { content } = await this.repositories.readFile(
      location.repo,
      commit,
      location.path,
    );
    return {
      buffer: async () => content,
      stream: () => Readable.from(content),
      etag: info.oid,
      lastModifiedAt,
    };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const location = this.parse(url);
    const commit = await this.commitOf(location);
    if (options?.etag && options.etag === commit) {
      throw new NotModifiedError();
    }
    const stream = await this.repositories.archive(
      location.repo,
      commit,
      location.path,
    );
    return this.treeResponseFactory.fromTarArchive({
      stream,
      etag: commit,
      filter: options?.filter,
      stripFirstDirectory: false,
    });
  }

  async search(
    url: string,
    options?: UrlReaderServiceSearchOptions,
  ): Promise<UrlReaderServiceSearchResponse> {
    const location = this.parse(url);
    const commit = await this.commitOf(location);
    if (options?.etag && options.etag === commit) {
      throw new NotModifiedError();
    }
    const ref =
      location.ref ?? (await this.repositories.defaultBranch(location.repo));
    const fileUrl = (path: string) =>
      `${this.repositories.baseUrl}/${location.repo}/blob/${ref}/${path
        .split('/')
        .map(encodeURIComponent)
        .join('/')}`;
    const read = (path: string) => async () =>
      (await this.repositories.readFile(location.repo, commit, path)).content;

    if (!GLOB_CHARACTERS.test(location.path)) {
      try {
        const info = await this.repositories.stat(
          location.repo,
          commit,
          location.path,
        );
        if (info.type !== 'blob') return { files: [], etag: commit };
      } catch (error) {
        if (error instanceof NotFoundError) return { files: [], etag: commit };
        throw error;
      }
      return {
        files: [{ url: fileUrl(location.path), content: read(location.path) }],
        etag: commit,
      };
    }

    // List below the longest folder prefix without glob characters, then match the pattern.
    const segments = location.path.split('/');
    const firstGlob = segments.findIndex(s => GLOB_CHARACTERS.test(s));
    const root = segments.slice(0, firstGlob).join('/');
    let files: string[];
    try {
      files = await this.repositories.listFiles(location.repo, commit, root);
    } catch (error) {
      if (error instanceof NotFoundError) return { files: [], etag: commit };
      throw error;
    }
    const matches = files
      .map(f => (root ? `${root}/${f}` : f))
      .filter(f => minimatch(f, location.path, { dot: true }));
    return {
      files: matches.map(path => ({ url: fileUrl(path), content: read(path) })),
      etag: commit,
    };
  }

  toString() {
    return `local-git{host=${this.repositories.baseUrl}}`;
  }
}
