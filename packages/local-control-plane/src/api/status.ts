/** A cause inside a Kubernetes Status, as returned for invalid objects. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** Details of a Kubernetes Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** The Kubernetes `Status` object API servers return for failures. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/**
 * An error the API server turns into a Kubernetes Status response. The HTTP layer is the only place that
 * serializes it, so handlers throw and never build error JSON themselves.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** Group-qualified resource name as the API server prints it, e.g. `postgresqlinstances.platform.fernhill.io`. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  notFound(resource: string, group: string, name: string) {
    return new ApiError(
      404,
      'NotFound',
      `${qualifiedResource(resource, group)} "${name}" not found`,
      { name, group, kind: resource },
    );
  },
  alreadyExists(resource: string, group: string, name: string) {
    return new ApiError(
      409,
      'AlreadyExists',
      `${qualifiedResource(resource, group)} "${name}" already exists`,
      { name, group, kind: resource },
    );
  },
  conflict(resource: string, group: string, name: string, why: string) {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(
        resource,
        group,
      )} "${name}": ${why}`,
      { name, group, kind: resource },
    );
  },
  invalid(kind: string, group: string, name: string, causes: StatusCause[]) {
    const summary = causes
      .map(c => (c.field ? `${c.field}: ${c.message}` : c.message))
      .join(', ');
    const what = group ? `${kind}.${group}` : kind;
    return new ApiError(
      422,
      'Invalid',
      `${what} "${name}" is invalid: ${
        causes.length > 1 ? `[${summary}]` : summary
      }`,
      { name, group, kind, causes },
    );
  },
  badRequest(message: string) {
    return new ApiError(400, 'BadRequest', message);
  },
  unauthorized() {
    return new ApiError(401, 'Unauthorized', 'Unauthorized');
  },
  forbidden(
    user: string,
    verb: string,
    resource: string,
    group: string,
    namespace: string | undefined,
    name?: string,
  ) {
    const target = name
      ? `${qualifiedResource(resource, group)} "${name}"`
      : qualifiedResource(resource, group);
    const scope = namespace
      ? ` in the namespace "${namespace}"`
      : ' at the cluster scope';
    return new ApiError(
      403,
      'Forbidden',
      `${target} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}"${scope}`,
      { name, group, kind: resource },
    );
  },
  methodNotAllowed(message: string) {
    return new ApiError(405, 'MethodNotAllowed', message);
  },
  unsupportedMediaType(contentType: string) {
    return new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] },
    );
  },
  /** A request that is well-formed but cannot be carried out, e.g. a JSON patch whose `test` fails. */
  unprocessable(message: string) {
    return new ApiError(422, 'Invalid', message);
  },
  gone(message: string) {
    return new ApiError(410, 'Expired', message);
  },
};
