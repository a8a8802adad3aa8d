import { ceilDay, DAY_MS, floorDay } from '../domain';

/**
 * How far around an ingested event the facts of its service are derived again: a deployment can
 * take commits from, or lend a fix to, deployments up to this far away. Effects further out are
 * caught by the periodic reconciliation (`DoraStore.reconcile`).
 */
export const SETTLE_MS = 7 * DAY_MS;

/**
 * Time spans per service whose facts must be derived again. A service is derived over the
 * day-aligned union of its spans, unless it is marked precise (every deployment near it lists its
 * commits, so facts do not depend on where a derived range starts): then each group of overlapping
 * spans is derived on its own, to the millisecond.
 */
export class AffectedSpans {
  private readonly spans = new Map<
    string,
    Array<{ from: number; to: number }>
  >();
  private readonly precise = new Set<string>();
  private readonly coarse = new Set<string>();

  add(service: string, from: number, to: number) {
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      return;
    }
    const list = this.spans.get(service) ?? [];
    list.push({ from: Math.floor(from), to: Math.ceil(to) });
    this.spans.set(service, list);
  }

  /** Marks whether a service's spans may be derived separately (`coarse` wins over `precise`). */
  mark(service: string, precise: boolean) {
    (precise ? this.precise : this.coarse).add(service);
  }

  services(): string[] {
    return [...this.spans.keys()].sort();
  }

  /** The [from, to) ranges to derive for a service, in time order. */
  ranges(service: string): Array<{ from: number; to: number }> {
    const list = [...(this.spans.get(service) ?? [])].sort(
      (a, b) => a.from - b.from,
    );
    if (list.length === 0) {
      return [];
    }
    if (!this.precise.has(service) || this.coarse.has(service)) {
      return [
        {
          from: floorDay(Math.min(...list.map(x => x.from))),
          to: ceilDay(Math.max(...list.map(x => x.to))),
        },
      ];
    }
    const merged: Array<{ from: number; to: number }> = [];
    for (const { from, to } of list) {
      const last = merged[merged.length - 1];
      if (last && from <= last.to) {
        last.to = Math.max(last.to, to + 1);
      } else {
        merged.push({ from, to: to + 1 });
      }
    }
    return merged;
  }
}
