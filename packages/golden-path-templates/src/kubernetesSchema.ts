// A schema check of rendered manifests against Kubernetes' own API types, as the generated models
// of @kubernetes/client-node describe them (generated from the Kubernetes OpenAPI document): every
// field must exist in its type (the API server's strict field validation, `kubectl apply
// --validate=strict`, refuses unknown fields) and hold a value of the field's type.

/** The @kubernetes/client-node module (its generated model classes are read by name). */
type Client = object;
type AttributeType = {
  name: string;
  baseName: string;
  type: string;
  format: string;
};
type Model = { getAttributeTypeMap(): AttributeType[] };

/** The client-node model of a built-in kind: apps/v1 Deployment -> V1Deployment. */
function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? apiVersion;
  return `${version[0].toUpperCase()}${version.slice(1)}${kind}`;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/**
 * Problems of `object` against its kind's API type, as sentences naming the field; undefined when
 * the kind is not a built-in one (a CRD such as ServiceMonitor), which this check cannot know.
 */
export function kubernetesSchemaProblems(
  k8s: Client,
  object: Record<string, any>,
): string[] | undefined {
  const models = k8s as unknown as Record<string, Model | undefined>;
  const root =
    models[modelName(String(object.apiVersion), String(object.kind))];
  if (!root?.getAttributeTypeMap) return undefined;
  const problems: string[] = [];

  const check = (value: unknown, type: string, path: string, format = '') => {
    if (value === null || value === undefined) return;
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      if (!Array.isArray(value)) {
        problems.push(`${path}: expected an array, got ${typeName(value)}`);
        return;
      }
      value.forEach((item, i) => check(item, array[1], `${path}[${i}]`));
      return;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      if (typeName(value) !== 'object') {
        problems.push(`${path}: expected a map, got ${typeName(value)}`);
        return;
      }
      // Resource quantities are strings in the generated model but the API accepts numbers too.
      const quantity = /\.(limits|requests)$/.test(path);
      for (const [k, v] of Object.entries(value as object)) {
        check(
          v,
          quantity && typeof v === 'number' ? 'number' : map[1],
          `${path}.${k}`,
        );
      }
      return;
    }
    switch (type) {
      case 'string':
        if (typeof value !== 'string') {
          problems.push(`${path}: expected a string, got ${typeName(value)}`);
        }
        return;
      case 'number':
        if (typeof value !== 'number') {
          problems.push(`${path}: expected a number, got ${typeName(value)}`);
        } else if (format.startsWith('int') && !Number.isInteger(value)) {
          problems.push(`${path}: expected an integer, got ${value}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') {
          problems.push(`${path}: expected a boolean, got ${typeName(value)}`);
        }
        return;
      case 'IntOrString':
        if (typeof value !== 'string' && !Number.isInteger(value)) {
          problems.push(
            `${path}: expected an integer or a string, got ${typeName(value)}`,
          );
        }
        return;
      case 'Date':
        if (typeof value !== 'string' && !(value instanceof Date)) {
          problems.push(`${path}: expected a date, got ${typeName(value)}`);
        }
        return;
      case 'any':
      case 'object':
        return;
      default: {
        const model = models[type];
        if (!model?.getAttributeTypeMap) return;
        if (typeName(value) !== 'object') {
          problems.push(`${path}: expected an object, got ${typeName(value)}`);
          return;
        }
        const attributes = new Map(
          model.getAttributeTypeMap().map(a => [a.baseName, a]),
        );
        for (const [key, child] of Object.entries(value as object)) {
          const attribute = attributes.get(key);
          const childPath = path ? `${path}.${key}` : key;
          if (!attribute) {
            problems.push(`${childPath}: unknown field "${key}"`);
          } else {
            check(child, attribute.type, childPath, attribute.format);
          }
        }
      }
    }
  };

  check(object, modelName(String(object.apiVersion), String(object.kind)), '');
  return problems;
}
