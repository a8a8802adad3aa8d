import { parse, ParseResult } from '@marcbachmann/cel-js';
import { deepEqual, isObject, JsonObject } from './objects';
import { StatusCause } from './status';
import { SchemaSubject, StructuralSchema } from './schemaValidation';

/** One entry of a schema node's `x-kubernetes-validations`, as a CRD declares it. */
interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
}

const programs = new Map<string, ParseResult>();

function program(expression: string): ParseResult {
  let compiled = programs.get(expression);
  if (!compiled) {
    compiled = parse(expression);
    programs.set(expression, compiled);
  }
  return compiled;
}

/**
 * A JSON value as CEL sees it under its schema: the API server binds `type: integer` fields as CEL
 * `int` (so `self.days >= 7` compares ints and `int(...)` conversions type-check), everything else
 * keeps its JSON type. cel-js represents CEL ints as bigint.
 */
function toCel(value: unknown, schema: unknown): unknown {
  if (!isObject(schema)) return value;
  if (schema.type === 'integer' && typeof value === 'number') {
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map(item => toCel(item, schema.items));
  }
  if (isObject(value)) {
    const props = isObject(schema.properties) ? schema.properties : {};
    const additional = schema.additionalProperties;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        toCel(v, props[k] ?? (isObject(additional) ? additional : undefined)),
      ]),
    );
  }
  return value;
}

/** The type name the API server reports as the "value" of a failed rule (`Invalid value: "object"`). */
function schemaTypeName(schema: JsonObject): string {
  return typeof schema.type === 'string' ? schema.type : 'object';
}

/**
 * The cause the API server reports for a failed rule: `reason` picks the kind of field error
 * (FieldValueInvalid by default), `fieldPath` (a relative path such as `.backupRetentionDays`)
 * narrows the field, `messageExpression` wins over `message`, and a rule without either says
 * "failed rule: <rule>".
 */
function causeOf(
  rule: ValidationRule,
  path: string,
  schema: JsonObject,
  message: string,
): StatusCause {
  const relative = rule.fieldPath?.startsWith('.')
    ? rule.fieldPath.slice(1)
    : rule.fieldPath;
  let field = path;
  if (relative) field = path ? `${path}.${relative}` : relative;
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return { reason: rule.reason, message: `Forbidden: ${message}`, field };
    case 'FieldValueRequired':
      return {
        reason: rule.reason,
        message: `Required value: ${message}`,
        field,
      };
    case 'FieldValueDuplicate':
      return {
        reason: rule.reason,
        message: `Duplicate value: "${schemaTypeName(schema)}": ${message}`,
        field,
      };
    default:
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${schemaTypeName(schema)}": ${message}`,
        field,
      };
  }
}

function failureMessage(
  rule: ValidationRule,
  variables: Record<string, unknown>,
): string {
  if (rule.messageExpression) {
    try {
      const text = program(rule.messageExpression)(variables);
      if (typeof text === 'string' && text.trim()) return text;
    } catch {
      // The API server falls back to `message` when messageExpression fails at runtime.
    }
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/**
 * Evaluates the `x-kubernetes-validations` (CEL) rules of a CRD schema against an object, as the API
 * server does on create and update: each rule runs with `self` bound to the value at its schema node,
 * and only where that value is present; a rule that mentions `oldSelf` is a transition rule, evaluated
 * only on an update whose previous object has a value at the same path (through object properties and
 * map values; list items are not correlated, as for lists without `x-kubernetes-list-type: map`).
 * Values an update leaves unchanged are not checked again (ratcheting). Returns the causes of the rules
 * that fail or cannot be evaluated.
 */
export function validateCelRules(
  obj: SchemaSubject,
  schema: StructuralSchema,
  previous?: SchemaSubject,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const walk = (
    value: unknown,
    old: unknown,
    s: unknown,
    path: string,
    correlated: boolean,
  ) => {
    if (!isObject(s) || value === undefined || value === null) return;
    const hasOld = correlated && old !== undefined && old !== null;
    // Validation ratcheting (GA in Kubernetes 1.33): an update that leaves a value unchanged is not
    // refused for rules that value already broke, so controllers can still write status and
    // finalizers on objects created before a rule existed.
    if (hasOld && deepEqual(value, old)) return;
    const rules = Array.isArray(s['x-kubernetes-validations'])
      ? (s['x-kubernetes-validations'] as unknown as ValidationRule[])
      : [];
    for (const rule of rules) {
      const transition = /\boldSelf\b/.test(rule.rule);
      if (transition && !hasOld) continue;
      const variables: Record<string, unknown> = {
        self: toCel(value, s),
        ...(hasOld ? { oldSelf: toCel(old, s) } : {}),
      };
      let result: unknown;
      try {
        result = program(rule.rule)(variables);
      } catch (error) {
        causes.push(
          causeOf(
            { ...rule, reason: undefined },
            path,
            s,
            `${rule.rule}: ${(error as Error).message}`,
          ),
        );
        continue;
      }
      if (result !== true) {
        causes.push(causeOf(rule, path, s, failureMessage(rule, variables)));
      }
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        walk(item, undefined, s.items, `${path}[${i}]`, false),
      );
      return;
    }
    if (!isObject(value)) return;
    const props = isObject(s.properties) ? s.properties : {};
    const additional = isObject(s.additionalProperties)
      ? s.additionalProperties
      : undefined;
    const oldObject = isObject(old) && !Array.isArray(old) ? old : undefined;
    for (const [k, child] of Object.entries(value)) {
      if (!path && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) {
        continue;
      }
      walk(
        child,
        oldObject?.[k],
        props[k] ?? additional,
        path ? `${path}.${k}` : k,
        correlated && oldObject !== undefined,
      );
    }
  };
  walk(obj, previous, schema, '', previous !== undefined);
  return causes;
}
