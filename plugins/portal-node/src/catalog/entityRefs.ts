import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * What a shorthand ref lacks: `team-a` is `group:default/team-a` with `{ defaultKind: 'group' }`.
 *
 * @public
 */
export interface EntityRefDefaults {
  /** The kind of a ref written without one; without it such a ref is refused. */
  defaultKind?: string;
  /** The namespace of a ref written without one; `default` unless told. */
  defaultNamespace?: string;
}

// The catalog compares refs case-insensitively; the portal stores and compares them lower case.
const lower = (s: string) => s.toLocaleLowerCase('en-US');

/**
 * The normalised form of an entity ref, `kind:namespace/name` in lower case, as the portal stores
 * and compares refs; `null` when `ref` is no entity ref (or lacks a kind and none is given).
 * Idempotent, and the same for refs that differ only in case. Does not trim: callers reading
 * hand-written values trim them first.
 *
 * @public
 */
export function normalizeEntityRef(
  ref: string,
  defaults: EntityRefDefaults = {},
): string | null {
  try {
    return lower(
      stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: defaults.defaultKind,
          defaultNamespace: defaults.defaultNamespace ?? 'default',
        }),
      ),
    );
  } catch {
    return null;
  }
}

/**
 * The normalised ref (see {@link normalizeEntityRef}) of an entity or a compound ref.
 *
 * @public
 */
export function normalizedEntityRefOf(
  entity: Entity | CompoundEntityRef,
): string {
  return lower(stringifyEntityRef(entity));
}
