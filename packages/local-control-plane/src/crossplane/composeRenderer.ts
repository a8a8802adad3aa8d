import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { JsonObject, KubeObject } from '../api/objects';
import { ensureGoProgram } from '../goProgram';

/**
 * The function-go-templating step of a Composition, rendered by `go/compose-render` (Go's
 * text/template with sprig and the function's extras, fed the request as protojson shapes it), so the
 * local control plane composes exactly what a real Crossplane would from the same file.
 */

/** Readiness as function-go-templating reports it (the `gotemplating.fn.crossplane.io/ready` annotation). */
export type Readiness = 'True' | 'False' | 'Unspecified';

/** An observed composed resource, as Crossplane passes it to functions. */
export interface ObservedComposed {
  resource: KubeObject;
  /** Connection details of the resource (its connection Secret's data), base64 values. */
  connectionDetails?: Record<string, string>;
}

/** A desired composed resource the template rendered. */
export interface DesiredComposed {
  resource: KubeObject;
  ready: Readiness;
}

export interface RenderResult {
  /** Desired composed resources by composition resource name. */
  resources: Record<string, DesiredComposed>;
  /** Composition resource names in the order the template rendered them. */
  order: string[];
  /** Status fields the template set on the XR (a document of the XR's own kind). */
  compositeStatus: JsonObject;
}

export interface RenderRequest {
  composition: KubeObject;
  /** Step name; the first function-go-templating step by default. */
  step?: string;
  xr: KubeObject;
  /** Observed composed resources by name; none on a new XR's first reconcile. */
  observed?: Record<string, ObservedComposed>;
  /** The pipeline context (function-environment-configs puts the environment here). */
  context?: JsonObject;
}

/** The error function-go-templating would return as a Fatal result. */
export class CompositionRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompositionRenderError';
  }
}

const packageDir = dirname(
  require.resolve('@internal/local-control-plane/package.json'),
);
const sourceDir = join(packageDir, 'go', 'compose-render');
/** Where `./portal` and {@link ensureComposeRenderer} build the renderer. */
export const COMPOSE_RENDER_BINARY = join(
  packageDir,
  'go',
  'bin',
  'compose-render',
);

/**
 * Builds the renderer when it is missing or older than its source (`./portal start` and
 * `./portal test` build it up front).
 */
export function ensureComposeRenderer(): string {
  return ensureGoProgram({
    sourceDir,
    binary: COMPOSE_RENDER_BINARY,
    name: 'the Composition renderer (go/compose-render)',
  });
}

/** Renders the Composition's go-templating step for an XR and its observed composed resources. */
export function renderComposition(
  request: RenderRequest,
): Promise<RenderResult> {
  const binary = ensureComposeRenderer();
  const input = JSON.stringify({
    composition: request.composition,
    step: request.step ?? '',
    observed: {
      composite: { resource: request.xr },
      resources: request.observed ?? {},
    },
    context: request.context ?? {},
  });
  return new Promise((ok, fail) => {
    const child = execFile(
      binary,
      [],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        let parsed: (RenderResult & { error?: string }) | undefined;
        try {
          parsed = JSON.parse(stdout);
        } catch {
          parsed = undefined;
        }
        if (parsed?.error) {
          fail(new CompositionRenderError(parsed.error));
        } else if (error || !parsed) {
          fail(
            new Error(
              `the Composition renderer failed: ${
                error?.message ?? 'no output'
              }`,
            ),
          );
        } else {
          ok(parsed);
        }
      },
    );
    child.stdin!.end(input);
  });
}
