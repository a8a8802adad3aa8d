import { AdoptionNpsMeasure } from '@internal/plugin-adoption-common';
import { NpsAnswerRecord } from './model';
import { DAY_MS, groupBy, inWindow, monthStart, Window } from './statistics';

/**
 * When an anonymous answer is stored as given: the UTC day only. The prompt row, which keeps the
 * user's (hashed) key and the exact time the user answered, must not share a timestamp with the
 * answer row, or the two would join back into a signed answer. The dashboards' windows and
 * monthly trend need no more than the day.
 */
export function anonymousAnswerTime(answeredAt: number): number {
  return answeredAt - (((answeredAt % DAY_MS) + DAY_MS) % DAY_MS);
}

/** Net promoter score of answers: % promoters (9-10) minus % detractors (0-6), rounded to 0.1. */
export function netPromoterScore(scores: number[]): number | null {
  if (scores.length === 0) {
    return null;
  }
  const promoters = scores.filter(s => s >= 9).length;
  const detractors = scores.filter(s => s <= 6).length;
  return Math.round(((promoters - detractors) / scores.length) * 1000) / 10;
}

/** Platform NPS over the window, with a monthly trend. */
export function computeNps(
  all: NpsAnswerRecord[],
  window: Window,
): AdoptionNpsMeasure {
  const answers = all.filter(a => inWindow(a.answeredAt, window));
  const scores = answers.map(a => a.score);
  const byMonth = groupBy(answers, a => String(monthStart(a.answeredAt)));
  const months: number[] = [];
  for (let m = monthStart(window.from); m < window.to; ) {
    months.push(m);
    const d = new Date(m);
    m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return {
    score: netPromoterScore(scores),
    responses: scores.length,
    promoters: scores.filter(s => s >= 9).length,
    passives: scores.filter(s => s === 7 || s === 8).length,
    detractors: scores.filter(s => s <= 6).length,
    trend: months.map(m => {
      const items = (byMonth.get(String(m)) ?? []).map(a => a.score);
      return {
        monthStart: new Date(m).toISOString(),
        score: netPromoterScore(items),
        responses: items.length,
      };
    }),
  };
}
