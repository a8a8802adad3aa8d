/**
 * The windows the leadership dashboards (DORA and adoption) offer, in days: one set, so a figure
 * read on one page can be compared with the other's. The adoption backend keeps these windows
 * computed (`STANDARD_WINDOWS`); DORA asks for the longest as a range.
 *
 * @public
 */
export const DASHBOARD_WINDOW_DAYS = [30, 90, 180] as const;

/**
 * One of the dashboards' windows.
 *
 * @public
 */
export type DashboardWindowDays = (typeof DASHBOARD_WINDOW_DAYS)[number];

/**
 * The window a dashboard opens with.
 *
 * @public
 */
export const DEFAULT_DASHBOARD_WINDOW_DAYS: DashboardWindowDays = 30;
