import { KubeObject } from '../api/objects';
import {
  evaluateJsonPath,
  PrinterColumn,
  ResourceType,
} from '../api/resourceTypes';

function age(timestamp: string | undefined): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(
    0,
    Math.floor((Date.now() - Date.parse(timestamp)) / 1000),
  );
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

function columnsFor(type: ResourceType): PrinterColumn[] {
  if (type.printerColumns.length) return type.printerColumns;
  const columns: PrinterColumn[] = [];
  if (type.group === '' && type.resource === 'secrets') {
    columns.push({ name: 'Type', type: 'string', jsonPath: '.type' });
  }
  if (type.group === '' && type.resource === 'namespaces') {
    columns.push({ name: 'Status', type: 'string', jsonPath: '.status.phase' });
  }
  if (type.group === '' && type.resource === 'events') {
    columns.push(
      { name: 'Type', type: 'string', jsonPath: '.type' },
      { name: 'Reason', type: 'string', jsonPath: '.reason' },
      { name: 'Object', type: 'string', jsonPath: '.involvedObject.name' },
      { name: 'Message', type: 'string', jsonPath: '.message' },
    );
  }
  columns.push({
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
  });
  return columns;
}

/** What each row of a Table carries besides its cells (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Reads `includeObject`; kube-apiserver's default is Metadata (a PartialObjectMetadata per row). */
export function includeObjectOf(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/**
 * Renders objects as a meta.k8s.io/v1 Table, which `kubectl get` asks for. `kubectl get --sort-by`
 * asks for `includeObject=Object` and sorts the rows by the whole object.
 */
export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: IncludeObject = 'Metadata',
) {
  const columns = columnsFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: 'Name',
        priority: 0,
      },
      ...columns.map(c => ({
        name: c.name,
        type: c.type === 'date' ? 'string' : c.type,
        format: '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    rows: objects.map(o => ({
      cells: [
        o.metadata.name,
        ...columns.map(c => {
          const value = evaluateJsonPath(o, c.jsonPath);
          if (c.type === 'date') return age(value as string | undefined);
          if (value === undefined || value === null) return '';
          return typeof value === 'object' ? JSON.stringify(value) : value;
        }),
      ],
      ...(includeObject === 'Object' ? { object: o } : {}),
      ...(includeObject === 'Metadata'
        ? {
            object: {
              kind: 'PartialObjectMetadata',
              apiVersion: 'meta.k8s.io/v1',
              metadata: o.metadata,
            },
          }
        : {}),
    })),
  };
}
