import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../api/objects';

/**
 * Finds the repository's `crossplane/` folder by walking up from this package (or `start`), so it
 * works from the sources, a build, and any working directory inside the repository.
 *
 * @public
 */
export function findCrossplaneDir(
  start: string = dirname(
    require.resolve('@internal/local-control-plane/package.json'),
  ),
): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'crossplane');
    if (existsSync(join(candidate, 'xrd.yaml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`could not find crossplane/xrd.yaml above ${start}`);
    }
    dir = parent;
  }
}

/**
 * Parses every YAML document of a file into Kubernetes objects.
 *
 * @public
 */
export function readManifests(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map(doc => doc.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === 'object' && !!o.kind);
}

/**
 * The manifests the local control plane bootstraps from the `crossplane/` folder: the XRD, the
 * Compositions, the size catalogue and the RBAC. Examples and cluster-only packages are left out.
 */
export function bootstrapManifests(crossplaneDir: string): KubeObject[] {
  const files = [
    join(crossplaneDir, 'xrd.yaml'),
    join(crossplaneDir, 'environment-sizes.yaml'),
    ...readdirSync(crossplaneDir)
      .filter(f => f.startsWith('composition-') && f.endsWith('.yaml'))
      .sort()
      .map(f => join(crossplaneDir, f)),
    ...readdirSync(join(crossplaneDir, 'rbac'))
      .filter(f => f.endsWith('.yaml'))
      .sort()
      .map(f => join(crossplaneDir, 'rbac', f)),
  ];
  const objects = files.flatMap(readManifests);
  // Namespaces first, so namespaced objects find theirs.
  return [
    ...objects.filter(o => o.kind === 'Namespace'),
    ...objects.filter(o => o.kind !== 'Namespace'),
  ];
}
