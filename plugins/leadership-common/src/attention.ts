/**
 * Something a leader should look at, as the Home scorecard lists it: the team or component it
 * concerns (shown by its catalog name), what is wrong in words, and the dashboard view that
 * explains it.
 *
 * @public
 */
export interface AttentionItem {
  entityRef?: string;
  text: string;
  href: string;
}

/**
 * One headline figure of the Home scorecard, as DORA and adoption both state it: the figure in
 * words, how it stands (band or target), and its change against the previous period.
 *
 * @public
 */
export interface ScorecardFigure {
  /** Suffix of the tile's test id (`scorecard-<source>-<id>`). */
  id: string;
  title: string;
  value: string;
  /** The scale the figure is read on, where it is not obvious (NPS). */
  scale?: string;
  /** Band or target: `good` meets it, `poor` does not, `none` has no figure to judge. */
  standing?: { label: string; tone: 'good' | 'fair' | 'poor' | 'none' };
  change?: {
    text: string;
    verdict: 'better' | 'worse' | 'steady' | 'unknown';
  };
}
