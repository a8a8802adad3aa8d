/** 0.8123 -> "81%"; null -> "–". */
export function formatShare(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

/** A figure as it is (32.5 -> "32.5"); null -> "–". */
export function formatFigure(value: number | null): string {
  return value === null ? '–' : String(value);
}

/** The scale of the Net Promoter Score, said next to it so "33" is not read as a share or a mark. */
export const NPS_SCALE = 'on a scale of −100 to +100';

/** An NPS as a whole signed number (32.5 -> "+33", -4 -> "−4", 0 -> "0"); null -> "–". */
export function formatNps(score: number | null): string {
  if (score === null) return '–';
  const rounded = Math.round(score);
  if (rounded > 0) return `+${rounded}`;
  if (rounded < 0) return `−${-rounded}`;
  return '0';
}

/** Hours as "45 min", "5.2 h" or "3.1 days". */
export function formatHours(hours: number | null): string {
  if (hours === null) return '–';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} days`;
}

/** Milliseconds as "42 s" or "6.5 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const s = ms / 1000;
  return s < 90
    ? `${Math.round(s)} s`
    : `${Math.round((s / 60) * 10) / 10} min`;
}

/** An amount with its currency, without decimals. */
export function formatMoney(value: number, currency: string): string {
  return `${Math.round(value).toLocaleString('en-GB')} ${currency}`;
}

/** Whether a figure meets its target; null when there is no figure. */
export function meetsTarget(
  value: number | null,
  target: number,
  direction: 'atLeast' | 'atMost',
): boolean | null {
  if (value === null) return null;
  return direction === 'atLeast' ? value >= target : value <= target;
}
