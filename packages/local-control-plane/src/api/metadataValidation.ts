import { isObject } from './objects';
import { StatusCause } from './status';

/**
 * ObjectMeta validation as kube-apiserver does it for every kind (k8s.io/apimachinery's
 * ValidateObjectMeta): label and annotation keys are qualified names (an optional DNS subdomain
 * prefix of at most 253 characters, a name of at most 63), label values are at most 63
 * characters of the same alphabet, both hold strings only, and ownerReferences name their owner
 * completely with at most one controller.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const invalid = (
  field: string,
  value: unknown,
  message: string,
): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  field,
});

/** The problems of a qualified name such as `app.kubernetes.io/name`. */
function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  let name = key;
  if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (!prefix) out.push('prefix part must be non-empty');
    else if (prefix.length > 253)
      out.push('prefix part must be no more than 253 characters');
    else if (!DNS1123_SUBDOMAIN.test(prefix)) {
      out.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
    }
  } else if (parts.length > 2) {
    return [
      `a qualified name ${QUALIFIED_NAME_MESSAGE.replace(
        'name part ',
        '',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (!name) out.push('name part must be non-empty');
  else if (name.length > 63)
    out.push('name part must be no more than 63 characters');
  if (name && !QUALIFIED_NAME.test(name)) out.push(QUALIFIED_NAME_MESSAGE);
  return out;
}

function validateStringMap(
  value: unknown,
  field: string,
  checkValue?: (v: string) => string[],
): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) {
    return [
      invalid(field, value, 'must be a map of string keys to string values'),
    ];
  }
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(value)) {
    for (const message of qualifiedNameErrors(k))
      causes.push(invalid(field, k, message));
    if (typeof v !== 'string') {
      causes.push(invalid(`${field}[${k}]`, v, 'must be a string'));
      continue;
    }
    for (const message of checkValue?.(v) ?? [])
      causes.push(invalid(field, v, message));
  }
  return causes;
}

function labelValueErrors(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (value && !QUALIFIED_NAME.test(value)) out.push(LABEL_VALUE_MESSAGE);
  return out;
}

/** Validates labels, annotations and ownerReferences of an object's metadata. */
export function validateObjectMeta(
  metadata: Record<string, unknown>,
): StatusCause[] {
  const causes = [
    ...validateStringMap(metadata.labels, 'metadata.labels', labelValueErrors),
    ...validateStringMap(metadata.annotations, 'metadata.annotations'),
  ];
  const annotations = isObject(metadata.annotations)
    ? metadata.annotations
    : {};
  const size = Object.entries(annotations).reduce(
    (n, [k, v]) => n + k.length + String(v).length,
    0,
  );
  if (size > 256 * 1024) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than 262144 bytes`,
      field: 'metadata.annotations',
    });
  }
  const refs = metadata.ownerReferences;
  if (refs !== undefined && refs !== null) {
    if (!Array.isArray(refs)) {
      causes.push(invalid('metadata.ownerReferences', refs, 'must be a list'));
    } else {
      let controllers = 0;
      for (const ref of refs) {
        if (!isObject(ref)) {
          causes.push(
            invalid('metadata.ownerReferences', ref, 'must be an object'),
          );
          continue;
        }
        for (const [key, what] of [
          ['apiVersion', 'version'],
          ['kind', 'kind'],
          ['name', 'name'],
          ['uid', 'uid'],
        ] as const) {
          if (typeof ref[key] !== 'string' || !ref[key]) {
            causes.push(
              invalid(
                `metadata.ownerReferences.${key}`,
                ref[key] ?? '',
                `${what} must not be empty`,
              ),
            );
          }
        }
        if (ref.controller === true) controllers++;
      }
      if (controllers > 1) {
        causes.push(
          invalid(
            'metadata.ownerReferences',
            refs,
            'Only one reference can have Controller set to true',
          ),
        );
      }
    }
  }
  return causes;
}
