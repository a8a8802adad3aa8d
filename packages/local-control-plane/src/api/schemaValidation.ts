import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { clone, isObject, Json, JsonObject, KubeObject } from './objects';
import { StatusCause } from './status';

/** An OpenAPI v3 (structural) schema as found in a CRD version. */
export type StructuralSchema = JsonObject;

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  strict: false,
  validateFormats: false,
});
const compiled = new WeakMap<StructuralSchema, ValidateFunction>();

function preservesUnknown(schema: JsonObject): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true;
}

/**
 * What the schema functions walk: a stored object or any JSON object. They read it as plain JSON,
 * so a typed KubeObject needs no cast.
 */
export type SchemaSubject = KubeObject | JsonObject;

/**
 * Drops fields the schema does not declare, as the API server prunes them, and returns their paths so
 * `fieldValidation=Strict` can reject them instead. metadata, apiVersion and kind are never pruned.
 */
export function pruneUnknownFields(
  obj: SchemaSubject,
  schema: StructuralSchema,
): string[] {
  const unknown: string[] = [];
  const walk = (value: unknown, s: unknown, path: string) => {
    if (!isObject(s)) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, s.items, `${path}[${i}]`));
      return;
    }
    if (!isObject(value)) return;
    const props = isObject(s.properties) ? s.properties : undefined;
    const additional = s.additionalProperties;
    for (const k of Object.keys(value)) {
      const child = path ? `${path}.${k}` : k;
      if (!path && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) {
        continue;
      }
      if (props && props[k] !== undefined) {
        walk(value[k], props[k], child);
      } else if (isObject(additional)) {
        walk(value[k], additional, child);
      } else if (!preservesUnknown(s) && additional !== true) {
        unknown.push(child);
        delete value[k];
      }
    }
  };
  walk(obj, schema, '');
  return unknown;
}

/** Fills in `default` values of the schema where fields are absent, as the API server does. */
export function applyDefaults(
  obj: SchemaSubject,
  schema: StructuralSchema,
): void {
  const walk = (value: unknown, s: unknown) => {
    if (!isObject(s)) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, s.items);
      return;
    }
    if (!isObject(value) || !isObject(s.properties)) return;
    for (const [k, propSchema] of Object.entries(s.properties)) {
      if (!isObject(propSchema)) continue;
      if (value[k] === undefined && propSchema.default !== undefined) {
        value[k] = clone(propSchema.default) as Json;
      }
      walk(value[k], propSchema);
    }
  };
  walk(obj, schema);
}

function fieldOf(error: ErrorObject): string {
  const base = error.instancePath
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => {
      if (/^\d+$/.test(seg)) return `${acc}[${seg}]`;
      return acc ? `${acc}.${seg}` : seg;
    }, '');
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string })
      .missingProperty;
    return base ? `${base}.${missing}` : missing;
  }
  return base;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** Maps an Ajv error to the cause kube-apiserver reports for the same violation. */
function toCause(error: ErrorObject): StatusCause {
  const field = fieldOf(error);
  const value = error.data;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { reason: 'FieldValueRequired', message: 'Required value', field };
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${quote(value)}: supported values: ${(
          p.allowedValues as unknown[]
        )
          .map(quote)
          .join(', ')}`,
        field,
      };
    case 'type':
      return {
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${quote(
          typeof value,
        )}: ${field} in body must be of type ${p.type}: ${quote(typeof value)}`,
        field,
      };
    case 'maxLength':
      return {
        reason: 'FieldValueTooLong',
        message: `Too long: may not be more than ${p.limit} bytes`,
        field,
      };
    case 'pattern':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(
          value,
        )}: ${field} in body should match '${p.pattern}'`,
        field,
      };
    case 'minimum':
    case 'maximum':
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(value)}: ${field} in body should be ${
          error.keyword === 'minimum' ? 'greater' : 'less'
        } than or equal to ${p.limit}`,
        field,
      };
    default:
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${quote(value)}: ${field} in body ${
          error.message
        }`,
        field,
      };
  }
}

/** Validates an object against a CRD version schema and returns the causes of every violation. */
export function validateAgainstSchema(
  obj: SchemaSubject,
  schema: StructuralSchema,
): StatusCause[] {
  let validate = compiled.get(schema);
  if (!validate) {
    // metadata is validated by the server itself, not by the CRD schema.
    const { properties, ...rest } = schema;
    const withoutMetadata = {
      ...rest,
      properties: isObject(properties)
        ? Object.fromEntries(
            Object.entries(properties).filter(([k]) => k !== 'metadata'),
          )
        : {},
    };
    validate = ajv.compile(withoutMetadata);
    compiled.set(schema, validate);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map(toCause);
}

const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates metadata.name like the API server: DNS-1123 subdomain, or label for namespaces. */
export function validateName(
  name: string | undefined,
  asLabel: boolean,
): StatusCause[] {
  if (!name) {
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ];
  }
  const max = asLabel ? 63 : 253;
  const pattern = asLabel ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  const causes: StatusCause[] = [];
  // kube-apiserver reports the length and the syntax separately, the length first.
  if (name.length > max) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": must be no more than ${max} characters`,
      field: 'metadata.name',
    });
  }
  if (!pattern.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: asLabel
        ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
        : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      field: 'metadata.name',
    });
  }
  return causes;
}
