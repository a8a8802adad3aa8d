import { ensureGoProgram } from '@internal/local-control-plane';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import yaml from 'yaml';
import type { RenderedFiles } from './deployability';

// A rendered skeleton's Helm chart rendered as `helm template` would, by go/helm-render (Go's
// text/template with sprig and Helm's functions and built-in objects), so the tests see the
// manifests a cluster gets and not only the values that feed them.

const goDir = join(
  dirname(require.resolve('@internal/golden-path-templates/package.json')),
  'go',
);

/** The API versions of a cluster without optional operators (what `helm template` assumes). */
export const BASE_API_VERSIONS = [
  'v1',
  'apps/v1',
  'batch/v1',
  'networking.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
];

/** One rendered template of a chart, and the Kubernetes objects it holds. */
export interface RenderedManifest {
  /** The template's path inside the chart, such as templates/deployment.yaml. */
  source: string;
  content: string;
  objects: Array<Record<string, any>>;
}

/** What `helm template` refused, with Helm's message (a failed `required`, a parse error). */
export class HelmRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelmRenderError';
  }
}

/**
 * Renders the chart at `chartDir` of a rendered skeleton with the given values files (paths inside
 * the chart, in the order Helm merges them), release and cluster API versions.
 */
export function renderHelmChart(options: {
  files: RenderedFiles;
  chartDir: string;
  valueFiles: string[];
  release: { name: string; namespace: string };
  apiVersions?: string[];
}): RenderedManifest[] {
  const { files, chartDir } = options;
  const prefix = `${chartDir.replace(/\/$/, '')}/`;
  const templates = Object.fromEntries(
    [...files]
      .filter(([path]) => path.startsWith(`${prefix}templates/`))
      .map(([path, content]) => [path.slice(prefix.length), content]),
  );
  const valuesFiles = options.valueFiles.map(file => {
    const content = files.get(`${prefix}${file}`);
    if (content === undefined) {
      throw new HelmRenderError(
        `open ${prefix}${file}: no such file or directory`,
      );
    }
    return content;
  });
  const binary = ensureGoProgram({
    sourceDir: join(goDir, 'helm-render'),
    binary: join(goDir, 'bin', 'helm-render'),
    name: 'the Helm chart renderer (go/helm-render)',
  });
  let stdout: string;
  try {
    stdout = execFileSync(binary, [], {
      input: JSON.stringify({
        chartYaml: files.get(`${prefix}Chart.yaml`) ?? '',
        templates,
        valuesFiles,
        release: options.release,
        apiVersions: options.apiVersions ?? BASE_API_VERSIONS,
      }),
      maxBuffer: 16 * 1024 * 1024,
    }).toString('utf8');
  } catch (error) {
    const out = (error as { stdout?: Buffer }).stdout?.toString('utf8') ?? '';
    let message: string | undefined;
    try {
      message = JSON.parse(out).error;
    } catch {
      message = undefined;
    }
    throw new HelmRenderError(message ?? (error as Error).message);
  }
  const { manifests } = JSON.parse(stdout) as {
    manifests: Array<{ source: string; content: string }>;
  };
  return manifests.map(m => ({
    ...m,
    objects: yaml
      .parseAllDocuments(m.content)
      .map(doc => doc.toJS())
      .filter(obj => obj !== null && obj !== undefined),
  }));
}

/** An Argo CD Application's Helm source: where the chart is and how it is released. */
export interface ArgoHelmSource {
  chartDir: string;
  valueFiles: string[];
  release: { name: string; namespace: string };
}

/**
 * The Helm source of the Argo CD Application at `path` (deploy/argocd/<environment>.yaml): Argo CD
 * renders `spec.source.path` with `helm.valueFiles` in order, names the release
 * `helm.releaseName` (the Application's name without it) and applies into
 * `spec.destination.namespace`.
 */
export function argoHelmSource(
  files: RenderedFiles,
  path: string,
): ArgoHelmSource {
  const app = yaml.parse(files.get(path) ?? 'null');
  const source = app?.spec?.source;
  if (!source?.path) {
    throw new Error(`${path}: no spec.source.path`);
  }
  return {
    chartDir: source.path,
    valueFiles: source.helm?.valueFiles ?? ['values.yaml'],
    release: {
      name: source.helm?.releaseName ?? app.metadata?.name,
      namespace: app.spec?.destination?.namespace ?? 'default',
    },
  };
}
