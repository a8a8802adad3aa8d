import { errors } from './status';
import { Json, JsonObject } from './objects';
import { assertSafeKey } from './safeKeys';

/**
 * Decoding of the Kubernetes protobuf envelope (`application/vnd.kubernetes.protobuf`) for the
 * built-in kinds kubectl and other client-go programs send that way (`kubectl create secret|
 * configmap|namespace|serviceaccount|role|rolebinding`, `kubectl auth can-i|whoami`).
 *
 * The envelope is the magic `k8s\0` followed by a `runtime.Unknown` message (typeMeta = 1 with
 * apiVersion = 1 and kind = 2, raw = 2); see
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding. Field numbers come
 * from the `generated.proto` files of k8s.io/api and k8s.io/apimachinery. client-go does not fall back
 * to JSON on a 415 for protobuf (its 415 fallback only covers CBOR, kubernetes/kubernetes#128497), so
 * answering 415 would leave `kubectl create secret generic` broken: the body has to be understood.
 * Kinds without a schema here are answered with 415.
 */

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time';
interface Field {
  name: string;
  type: Scalar | MessageSchema | { map: Scalar };
  repeated?: boolean;
}
/** Field number to field. */
type MessageSchema = { [fieldNumber: number]: Field };

const f = (name: string, type: Field['type'], repeated = false): Field => ({
  name,
  type,
  repeated,
});

const OWNER_REFERENCE: MessageSchema = {
  1: f('kind', 'string'),
  3: f('name', 'string'),
  4: f('uid', 'string'),
  5: f('apiVersion', 'string'),
  6: f('controller', 'bool'),
  7: f('blockOwnerDeletion', 'bool'),
};

const OBJECT_META: MessageSchema = {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', 'time'),
  9: f('deletionTimestamp', 'time'),
  10: f('deletionGracePeriodSeconds', 'int'),
  11: f('labels', { map: 'string' }),
  12: f('annotations', { map: 'string' }),
  13: f('ownerReferences', OWNER_REFERENCE, true),
  14: f('finalizers', 'string', true),
};

const OBJECT_REFERENCE: MessageSchema = {
  1: f('kind', 'string'),
  2: f('namespace', 'string'),
  3: f('name', 'string'),
  4: f('uid', 'string'),
  5: f('apiVersion', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('fieldPath', 'string'),
};

const POLICY_RULE: MessageSchema = {
  1: f('verbs', 'string', true),
  2: f('apiGroups', 'string', true),
  3: f('resources', 'string', true),
  4: f('resourceNames', 'string', true),
  5: f('nonResourceURLs', 'string', true),
};

const SUBJECT: MessageSchema = {
  1: f('kind', 'string'),
  2: f('apiGroup', 'string'),
  3: f('name', 'string'),
  4: f('namespace', 'string'),
};

const ROLE_REF: MessageSchema = {
  1: f('apiGroup', 'string'),
  2: f('kind', 'string'),
  3: f('name', 'string'),
};

const RESOURCE_ATTRIBUTES: MessageSchema = {
  1: f('namespace', 'string'),
  2: f('verb', 'string'),
  3: f('group', 'string'),
  4: f('version', 'string'),
  5: f('resource', 'string'),
  6: f('subresource', 'string'),
  7: f('name', 'string'),
};

const NON_RESOURCE_ATTRIBUTES: MessageSchema = {
  1: f('path', 'string'),
  2: f('verb', 'string'),
};

const RBAC = 'rbac.authorization.k8s.io/v1';

/** The kinds decoded from protobuf, by `apiVersion/kind`. */
const SCHEMAS: Record<string, MessageSchema> = {
  'v1/Secret': {
    1: f('metadata', OBJECT_META),
    2: f('data', { map: 'bytes' }),
    3: f('type', 'string'),
    4: f('stringData', { map: 'string' }),
    5: f('immutable', 'bool'),
  },
  'v1/ConfigMap': {
    1: f('metadata', OBJECT_META),
    2: f('data', { map: 'string' }),
    3: f('binaryData', { map: 'bytes' }),
    4: f('immutable', 'bool'),
  },
  'v1/Namespace': {
    1: f('metadata', OBJECT_META),
    2: f('spec', { 1: f('finalizers', 'string', true) }),
  },
  'v1/ServiceAccount': {
    1: f('metadata', OBJECT_META),
    2: f('secrets', OBJECT_REFERENCE, true),
    3: f('imagePullSecrets', { 1: f('name', 'string') }, true),
    4: f('automountServiceAccountToken', 'bool'),
  },
  [`${RBAC}/Role`]: {
    1: f('metadata', OBJECT_META),
    2: f('rules', POLICY_RULE, true),
  },
  [`${RBAC}/ClusterRole`]: {
    1: f('metadata', OBJECT_META),
    2: f('rules', POLICY_RULE, true),
  },
  [`${RBAC}/RoleBinding`]: {
    1: f('metadata', OBJECT_META),
    2: f('subjects', SUBJECT, true),
    3: f('roleRef', ROLE_REF),
  },
  [`${RBAC}/ClusterRoleBinding`]: {
    1: f('metadata', OBJECT_META),
    2: f('subjects', SUBJECT, true),
    3: f('roleRef', ROLE_REF),
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: f('metadata', OBJECT_META),
    2: f('spec', {
      1: f('resourceAttributes', RESOURCE_ATTRIBUTES),
      2: f('nonResourceAttributes', NON_RESOURCE_ATTRIBUTES),
    }),
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    1: f('metadata', OBJECT_META),
    2: f('spec', { 1: f('namespace', 'string') }),
  },
  'authentication.k8s.io/v1/SelfSubjectReview': {
    1: f('metadata', OBJECT_META),
  },
  'authentication.k8s.io/v1beta1/SelfSubjectReview': {
    1: f('metadata', OBJECT_META),
  },
};

/** The media type of the Kubernetes protobuf encoding. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface WireField {
  field: number;
  wireType: number;
  varint?: bigint;
  bytes?: Buffer;
}

/** Splits a protobuf message into its fields (wire format only, no schema). */
function readWire(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const byte = buf[pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === 0) out.push({ field, wireType, varint: varint() });
    else if (wireType === 2) {
      const length = Number(varint());
      if (pos + length > buf.length) throw new Error('truncated field');
      out.push({ field, wireType, bytes: buf.subarray(pos, pos + length) });
      pos += length;
    } else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
  return out;
}

function scalar(type: Scalar, w: WireField): Json {
  switch (type) {
    case 'string':
      return (w.bytes ?? Buffer.alloc(0)).toString('utf8');
    case 'bytes':
      return (w.bytes ?? Buffer.alloc(0)).toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, w.varint ?? 0n));
    case 'bool':
      return (w.varint ?? 0n) !== 0n;
    case 'time': {
      const t = decodeMessage(w.bytes ?? Buffer.alloc(0), {
        1: f('seconds', 'int'),
      });
      // Go encodes the zero time as an empty message; its JSON form is null, which is omitted.
      if (!t.seconds) return '';
      return new Date(Number(t.seconds) * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
    }
    default:
      throw new Error(`unknown scalar ${type as string}`);
  }
}

function decodeMessage(buf: Buffer, schema: MessageSchema): JsonObject {
  const out: JsonObject = {};
  for (const w of readWire(buf)) {
    const field = schema[w.field];
    if (!field) continue; // fields this server does not use, as an older server ignores newer ones
    let value: Json;
    if (typeof field.type === 'string') value = scalar(field.type, w);
    else if ('map' in field.type) {
      const entry = readWire(w.bytes ?? Buffer.alloc(0));
      const k = entry.find(e => e.field === 1);
      const v = entry.find(e => e.field === 2);
      const key = k ? String(scalar('string', k)) : '';
      assertSafeKey(key, `${field.name}[${key}]`);
      const map = (out[field.name] ?? {}) as JsonObject;
      map[key] = v
        ? scalar(field.type.map, v)
        : scalar(field.type.map, { field: 2, wireType: 2 });
      out[field.name] = map;
      continue;
    } else value = decodeMessage(w.bytes ?? Buffer.alloc(0), field.type);
    if (field.repeated) {
      out[field.name] = [...((out[field.name] as Json[]) ?? []), value];
    } else if (value !== '' && value !== 0) {
      // gogo-protobuf writes every non-pointer scalar, empty or not; JSON (`omitempty`) leaves
      // zero values out, and so does this decoder, so both encodings yield the same object.
      out[field.name] = value;
    }
  }
  return out;
}

/**
 * Decodes a Kubernetes protobuf request body into the JSON form of the object. Throws a 415 Status
 * for kinds this server cannot decode, and 400 for a malformed envelope.
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw errors.badRequest(
      'the protobuf request body does not start with the Kubernetes magic number',
    );
  }
  let envelope: JsonObject;
  let raw: Buffer | undefined;
  try {
    const fields = readWire(body.subarray(4));
    envelope = decodeMessage(body.subarray(4), {
      1: f('typeMeta', {
        1: f('apiVersion', 'string'),
        2: f('kind', 'string'),
      }),
    });
    raw = fields.find(w => w.field === 2)?.bytes;
  } catch (error) {
    throw errors.badRequest(
      `the protobuf request body could not be decoded: ${
        (error as Error).message
      }`,
    );
  }
  const typeMeta = (envelope.typeMeta ?? {}) as JsonObject;
  const apiVersion = String(typeMeta.apiVersion ?? '');
  const kind = String(typeMeta.kind ?? '');
  const schema = SCHEMAS[`${apiVersion}/${kind}`];
  if (!schema) throw errors.unsupportedMediaType(PROTOBUF_MEDIA_TYPE);
  try {
    return {
      apiVersion,
      kind,
      ...decodeMessage(raw ?? Buffer.alloc(0), schema),
    };
  } catch (error) {
    throw errors.badRequest(
      `the protobuf ${kind} could not be decoded: ${(error as Error).message}`,
    );
  }
}
