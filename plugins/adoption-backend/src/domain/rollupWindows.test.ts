import fc from 'fast-check';
import { splitWindow } from './rollupWindows';
import { DAY_MS } from './statistics';

const T0 = Date.parse('2026-11-02T00:00:00Z');

describe('splitWindow', () => {
  it('covers the window exactly with whole days and partial edges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * DAY_MS }),
        fc.integer({ min: 1, max: 20 * DAY_MS }),
        (from, length) => {
          const window = { from: T0 + from, to: T0 + from + length };
          const { days, edges } = splitWindow(window);
          const parts = [...edges, ...(days ? [days] : [])].sort(
            (a, b) => a.from - b.from,
          );
          expect(parts[0].from).toBe(window.from);
          expect(parts[parts.length - 1].to).toBe(window.to);
          for (let i = 1; i < parts.length; i++) {
            expect(parts[i].from).toBe(parts[i - 1].to);
          }
          expect([days?.from ?? 0, days?.to ?? 0].map(t => t % DAY_MS)).toEqual(
            [0, 0],
          );
          // Raw rows are aggregated for less than a day at each edge (under two days in all).
          for (const e of edges) {
            expect(e.to - e.from).toBeLessThan(days ? DAY_MS : 2 * DAY_MS);
          }
        },
      ),
    );
  });
});
