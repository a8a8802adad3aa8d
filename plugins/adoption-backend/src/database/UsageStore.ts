import { UsageBatch, UsageRollups, Window } from '../domain';

/**
 * Portal usage, rolled up as it arrives: page views per day and plugin
 * (`adoption_usage_views`) and the (hashed) users seen per week (`adoption_usage_users`).
 */
export interface UsageStore {
  /** Adds a batch's page views and users; a user counts once per week. */
  record(batch: UsageBatch): Promise<void>;

  /** Users and page views per week overlapping the window, page views per plugin inside it. */
  usageRollups(window: Window): Promise<UsageRollups>;

  /** Rows of page views per day and plugin. */
  count(): Promise<number>;
}
