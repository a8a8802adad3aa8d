/** Epoch milliseconds of an ISO timestamp already checked by a schema. */
export const ms = (iso: string): number => Date.parse(iso);
export const msOrUndefined = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso);
