import fc from 'fast-check';
import { validateCelRules } from './celValidation';
import { JsonObject } from './objects';

/**
 * CRD validation rules as kube-apiserver applies them (apiextensions-apiserver's CEL validator;
 * "Validation rules" in the Kubernetes CustomResourceDefinition docs): scoped `self`, integers as
 * CEL ints, transition rules only on updates, ratcheting of unchanged values, `fieldPath`,
 * `reason` and `messageExpression`.
 */
const schema: JsonObject = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [
        {
          rule: 'self.replicas <= self.maxReplicas',
          message: 'replicas may not exceed maxReplicas',
          fieldPath: '.replicas',
        },
        {
          rule: 'self.mode == oldSelf.mode',
          messageExpression: "'mode is immutable, was ' + oldSelf.mode",
          reason: 'FieldValueForbidden',
        },
      ],
      properties: {
        replicas: { type: 'integer' },
        maxReplicas: { type: 'integer' },
        mode: { type: 'string' },
        ports: {
          type: 'array',
          items: {
            type: 'object',
            properties: { port: { type: 'integer' } },
            'x-kubernetes-validations': [{ rule: 'self.port > 1024' }],
          },
        },
        labels: {
          type: 'object',
          additionalProperties: {
            type: 'string',
            'x-kubernetes-validations': [
              { rule: 'size(self) <= 5', message: 'at most 5 characters' },
            ],
          },
        },
      },
    },
  },
};

const object = (spec: JsonObject): JsonObject => ({
  apiVersion: 'example.io/v1',
  kind: 'Widget',
  metadata: { name: 'w' },
  spec: { replicas: 1, maxReplicas: 3, mode: 'a', ...spec },
});

describe('validateCelRules', () => {
  it('binds self to the value at the rule and reports the fieldPath with the schema type', () => {
    expect(validateCelRules(object({ replicas: 4 }), schema)).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: "object": replicas may not exceed maxReplicas',
      },
    ]);
    expect(validateCelRules(object({ replicas: 3 }), schema)).toEqual([]);
  });

  it('runs rules under list items and map values, naming the item', () => {
    const causes = validateCelRules(
      object({
        ports: [{ port: 8080 }, { port: 80 }],
        labels: { team: 'payments', env: 'prod' },
      }),
      schema,
    );
    expect(causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.ports[1]',
        message: 'Invalid value: "object": failed rule: self.port > 1024',
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.labels.team',
        message: 'Invalid value: "string": at most 5 characters',
      },
    ]);
  });

  it('evaluates transition rules only on updates, with messageExpression and reason', () => {
    expect(validateCelRules(object({ mode: 'b' }), schema)).toEqual([]);
    expect(
      validateCelRules(object({ mode: 'b' }), schema, object({ mode: 'a' })),
    ).toEqual([
      {
        reason: 'FieldValueForbidden',
        field: 'spec',
        message: 'Forbidden: mode is immutable, was a',
      },
    ]);
  });

  it('does not refuse an update for values it leaves unchanged (ratcheting)', () => {
    const broken = object({ replicas: 9 });
    expect(validateCelRules(broken, schema, broken)).toEqual([]);
    expect(
      validateCelRules({ ...broken, status: { ready: true } }, schema, broken),
    ).toEqual([]);
    expect(
      validateCelRules(object({ replicas: 10 }), schema, broken),
    ).toHaveLength(1);
  });

  it('reports a rule that cannot be evaluated instead of passing it', () => {
    const causes = validateCelRules(
      object({ replicas: 1, maxReplicas: undefined as unknown as number }),
      {
        ...schema,
        properties: {
          spec: {
            type: 'object',
            'x-kubernetes-validations': [{ rule: 'self.missing > 1' }],
          },
        },
      },
    );
    expect(causes).toHaveLength(1);
    expect(causes[0].field).toBe('spec');
    expect(causes[0].message).toContain('self.missing > 1');
  });

  it('agrees with integer comparison for any replicas and maxReplicas', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: -1e9, max: 1e9 }),
        (replicas, maxReplicas) => {
          const causes = validateCelRules(
            object({ replicas, maxReplicas }),
            schema,
          );
          expect(causes.length).toBe(replicas <= maxReplicas ? 0 : 1);
        },
      ),
    );
  });
});
