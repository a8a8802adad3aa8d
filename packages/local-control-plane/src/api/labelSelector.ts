import { errors } from './status';

type Requirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

/** Splits on commas that are not inside parentheses (set-based selectors contain commas). */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

/**
 * Parses a Kubernetes label selector (`a=b,c!=d,e in (f,g),!h,i`) into a predicate over labels.
 */
export function parseLabelSelector(
  selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const requirements: Requirement[] = splitTopLevel(selector).map(term => {
    let m = term.match(/^(\S+)\s+(in|notin)\s+\((.*)\)$/);
    if (m) {
      return {
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      };
    }
    m = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/);
    if (m) {
      return {
        key: m[1],
        op: m[2] === '!=' ? 'notin' : 'in',
        values: [m[3]],
      };
    }
    m = term.match(/^!\s*(\S+)$/);
    if (m) return { key: m[1], op: '!exists' };
    if (/^[A-Za-z0-9._/-]+$/.test(term)) return { key: term, op: 'exists' };
    throw errors.badRequest(`unable to parse requirement: ${term}`);
  });
  return labels => {
    const l = labels ?? {};
    return requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          return !has || !r.values.includes(l[r.key]);
        default:
          return false;
      }
    });
  };
}

/**
 * The fields kube-apiserver lets each kind be selected by, beyond metadata.name and
 * metadata.namespace (the field label conversion functions of k8s.io/kubernetes/pkg/apis/*;
 * custom resources add their CRD version's `selectableFields`).
 */
const SELECTABLE_FIELDS: Record<string, string[]> = {
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
};

/** What a field selector needs to know about the kind it selects. */
export interface FieldSelectable {
  group: string;
  resource: string;
  selectableFields?: string[];
}

/**
 * Parses field selectors (`metadata.name=x`, `involvedObject.uid=y`, `type!=Normal`) into a predicate.
 * Only the fields kube-apiserver supports for the kind are accepted (400 `field label not
 * supported` otherwise); without a kind (internal callers) any scalar path is. A missing field
 * compares as the empty string, as it does there.
 */
export function parseFieldSelector(
  selector: string | undefined,
  kind?: FieldSelectable,
): (obj: object) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const supported = kind && [
    'metadata.name',
    'metadata.namespace',
    ...(SELECTABLE_FIELDS[`${kind.group}/${kind.resource}`] ?? []),
    ...(kind.selectableFields ?? []),
  ];
  const terms = selector.split(',').map(term => {
    const m = term.trim().match(/^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw errors.badRequest(`invalid field selector: ${term}`);
    const [, field, op, value] = m;
    if (supported && !supported.includes(field)) {
      throw errors.badRequest(`field label not supported: ${field}`);
    }
    return { path: field.split('.'), negate: op === '!=', value };
  });
  return obj =>
    terms.every(t => {
      let current: unknown = obj;
      for (const key of t.path) {
        current =
          current && typeof current === 'object' && Object.hasOwn(current, key)
            ? (current as Record<string, unknown>)[key]
            : undefined;
      }
      const actual =
        current === undefined || current === null ? '' : String(current);
      return t.negate ? actual !== t.value : actual === t.value;
    });
}
