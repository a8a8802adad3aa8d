/**
 * Naming of the catalog Resource entity that stands for one PostgreSQLInstance XR. Shared by the
 * catalog entity provider (which emits it), the scaffolder action (which links to it) and the
 * Databases tab, so all three agree without a catalog lookup.
 */

/** Longest entity name the catalog accepts. */
const MAX_ENTITY_NAME = 63;

/** FNV-1a, 32 bit, as 7 base-36 characters: a short stable suffix, not a security measure. */
function shortHash(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, '0');
}

/**
 * The Resource entity name of a database: `<namespace>.<name>` (XR names are unique per
 * namespace only, and the namespace keeps them apart from hand-written resources), shortened
 * with a hash of the namespace when that would exceed 63 characters.
 *
 * @public
 */
export function databaseEntityName(namespace: string, name: string): string {
  const full = tidy(`${namespace}.${name}`);
  if (full.length <= MAX_ENTITY_NAME) return full;
  const suffix = `.${shortHash(namespace)}`;
  return `${tidy(name).slice(
    0,
    MAX_ENTITY_NAME - suffix.length,
  )}${suffix}`.replace(/[-_.]+\./, '.');
}

/** Entity names allow single separators between alphanumerics only. */
function tidy(value: string): string {
  return value
    .replace(/[^a-zA-Z0-9._-]/g, '-')
    .replace(/[-_.]{2,}/g, match => (match.includes('.') ? '.' : '-'))
    .replace(/^[-_.]+|[-_.]+$/g, '');
}

/**
 * The Resource entity ref of a database, e.g. `resource:default/team-payments.orders-db`.
 *
 * @public
 */
export function databaseEntityRef(namespace: string, name: string): string {
  return `resource:default/${databaseEntityName(namespace, name)}`;
}
