/**
 * Where the DORA page is, kept in its address so Back, reload and shared links return to it:
 * `?team=<group ref>`, `?team=...&service=<component ref>`, or `?view=unmapped`.
 *
 * @public
 */
export interface DoraPageState {
  team?: string;
  service?: string;
  view?: 'unmapped';
}

/**
 * The page's query string for a state (`?` alone for the organisation).
 *
 * @public
 */
export function doraPageQuery(state: DoraPageState): string {
  const query = new URLSearchParams();
  if (state.view) query.set('view', state.view);
  if (state.team) query.set('team', state.team);
  if (state.service) query.set('service', state.service);
  const text = query.toString();
  return text ? `?${text}` : '?';
}

/** The state in a query string; anything else is ignored. */
export function readDoraPageState(params: URLSearchParams): DoraPageState {
  return {
    team: params.get('team') ?? undefined,
    service: params.get('service') ?? undefined,
    view: params.get('view') === 'unmapped' ? 'unmapped' : undefined,
  };
}
