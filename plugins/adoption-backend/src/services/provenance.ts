import { Entity } from '@backstage/catalog-model';
import {
  normalizedEntityRefOf,
  normalizeEntityRef,
} from '@internal/plugin-portal-node';
import { ComponentRecord } from '../domain';

/** The provenance annotations of contract 2. */
export const ANNOTATIONS = {
  sourceTemplate: 'backstage.io/source-template',
  templateVersion: 'fernhill.io/template-version',
  createdAt: 'fernhill.io/created-at',
  taskId: 'fernhill.io/scaffolder-task-id',
} as const;

/** A component entity as the measures see it; malformed annotations count as absent. */
export function componentRecordOf(entity: Entity): ComponentRecord {
  const annotations = entity.metadata.annotations ?? {};
  const owner =
    typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined;
  const created = annotations[ANNOTATIONS.createdAt];
  const createdAt = created ? Date.parse(created) : NaN;
  const template = annotations[ANNOTATIONS.sourceTemplate];
  return {
    entityRef: normalizedEntityRefOf(entity),
    owner: owner ? normalizeEntityRef(owner, { defaultKind: 'group' }) : null,
    templateRef: template
      ? normalizeEntityRef(template, { defaultKind: 'template' })
      : null,
    templateVersion:
      annotations[ANNOTATIONS.templateVersion]?.trim().slice(0, 64) || null,
    createdAt: Number.isFinite(createdAt) ? createdAt : null,
  };
}
