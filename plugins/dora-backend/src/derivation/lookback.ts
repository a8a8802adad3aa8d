import { DAY_MS } from '../domain';

/**
 * How far before a range deployments (and twice that for commits) are read to know which commits
 * already shipped and which deployment an unlinked incident falls back to.
 */
export const LOOKBACK_MS = 30 * DAY_MS;

/**
 * How many ranges back from a deployed SHA the loader follows pushes whose commits were not read
 * with the period (a trail longer than this falls back to commit times).
 */
export const ANCESTRY_ROUNDS = 20;
