import { Entity, getEntitySourceLocation } from '@backstage/catalog-model';
import {
  isChildPath,
  LoggerService,
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError, NotModifiedError } from '@backstage/errors';
import {
  DirectoryPreparer,
  parseReferenceAnnotation,
  PreparerBase,
  PreparerOptions,
  PreparerResponse,
} from '@backstage/plugin-techdocs-node';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';

/** The MkDocs config names TechDocs looks for, in its order. */
const mkdocsConfigNames = ['mkdocs.yaml', 'mkdocs.yml'];

/** Bumped when what is copied changes, so sites built by an older scheme are built again. */
const etagScheme = 'local-folder-v1';

/**
 * The `docs_dir` an MkDocs config names (MkDocs' default `docs` otherwise). Tags MkDocs
 * understands and YAML does not (`!!python/name:...`) are read as plain values.
 */
export function readDocsDir(mkdocsConfig: string): string {
  const parsed = parse(mkdocsConfig, { logLevel: 'silent' }) as unknown;
  const docsDir =
    parsed && typeof parsed === 'object'
      ? (parsed as { docs_dir?: unknown }).docs_dir
      : undefined;
  return typeof docsDir === 'string' && docsDir.trim()
    ? docsDir.trim()
    : 'docs';
}

/**
 * TechDocs' preparer for `dir:` sources, with one change for those of an entity registered from a
 * local file (the portal's own entry, the demo's): such a folder is versioned by the content of
 * what MkDocs reads, its config and its docs_dir, and only those are handed to the generator.
 *
 * The stock preparer gives a local folder no version (an empty etag) and builds it in place, so
 * every visit more than a minute after the last build rebuilt the docs and the reader then asked
 * for a refresh although nothing had changed; and TechDocs checks every file of the folder it
 * builds for symlinks, which at a repository's root (`dir:.`) means the whole checkout,
 * node_modules included: about half a minute under the reader's spinner. It also wrote its
 * rewritten mkdocs.yml back into the folder.
 *
 * Sources of entities registered from a URL (golden-path services) are read through the URL
 * reader, which versions them, and go to the stock preparer unchanged.
 */
export class LocalDocsFolderPreparer implements PreparerBase {
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; reader: UrlReaderService },
  ) {
    return new LocalDocsFolderPreparer(
      DirectoryPreparer.fromConfig(config, options),
    );
  }

  private constructor(private readonly urlSources: PreparerBase) {}

  /** Both kinds of prepared folder are temporary copies. */
  shouldCleanPreparedDirectory() {
    return true;
  }

  async prepare(
    entity: Entity,
    options?: PreparerOptions,
  ): Promise<PreparerResponse> {
    const location = getEntitySourceLocation(entity);
    if (location.type !== 'file') {
      return this.urlSources.prepare(entity, options);
    }
    const annotation = parseReferenceAnnotation(
      'backstage.io/techdocs-ref',
      entity,
    );
    const folder = resolveSafeChildPath(
      dirname(location.target),
      annotation.target,
    );
    const sources = await mkdocsSources(folder);
    const etag = await contentVersion(folder, sources);
    if (options?.etag === etag) {
      throw new NotModifiedError(
        `The docs in ${folder} have not changed since they were built`,
      );
    }
    const preparedDir = await mkdtemp(join(tmpdir(), 'techdocs-local-'));
    for (const source of sources) {
      // A symlink is copied as what it leads to (mkdocsSources checked that this is inside).
      await cp(join(folder, source), join(preparedDir, source), {
        recursive: true,
        dereference: true,
      });
    }
    options?.logger?.debug(`Copied the docs in ${folder} to ${preparedDir}`);
    return { preparedDir, etag };
  }
}

/** What MkDocs reads of a folder: its config files and the files under its docs_dir. */
async function mkdocsSources(folder: string): Promise<string[]> {
  const sources: string[] = [];
  let docsDir = 'docs';
  for (const name of mkdocsConfigNames) {
    const config = await readFile(join(folder, name), 'utf8').catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
    if (config !== undefined) {
      if (sources.length === 0) docsDir = readDocsDir(config);
      sources.push(name);
    }
  }
  const docsPath = resolveSafeChildPath(folder, docsDir);
  const entries = await readdir(docsPath, {
    recursive: true,
    withFileTypes: true,
  }).catch((error: NodeJS.ErrnoException) => {
    // A folder without docs: the generator says what is missing.
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    // As TechDocs refuses them: nothing may lead outside the folder (isChildPath follows links).
    if (entry.isSymbolicLink() && !isChildPath(folder, path)) {
      throw new NotAllowedError(
        `${path} is not allowed to refer to a location outside ${folder}`,
      );
    }
    sources.push(relative(folder, path));
  }
  return sources.sort();
}

/** A hash of the sources' paths and contents (a symlink to a folder by its target). */
async function contentVersion(
  folder: string,
  sources: string[],
): Promise<string> {
  const hash = createHash('sha256').update(etagScheme);
  for (const source of sources) {
    const path = join(folder, source);
    hash.update(`\0${source}\0`);
    hash.update(
      await readFile(path).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'EISDIR') return `-> ${await readlink(path)}`;
        throw error;
      }),
    );
  }
  return `${etagScheme}:${hash.digest('hex')}`;
}
