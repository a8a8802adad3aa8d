import fc from 'fast-check';
import { chunks, dbNumber, dbNumberOrNull } from './rows';

describe('chunks', () => {
  it('splits into batches of the size, the last one shorter', () => {
    expect([...chunks([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
    expect([...chunks([], 2)]).toEqual([]);
  });

  it('refuses a size that would never end', () => {
    expect(() => [...chunks([1], 0)]).toThrow(RangeError);
    expect(() => [...chunks([1], NaN)]).toThrow(RangeError);
  });

  it('keeps every item, in order, in batches no larger than the size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.anything()),
        fc.integer({ min: 1, max: 50 }),
        (items, size) => {
          const batches = [...chunks(items, size)];
          expect(batches.flat()).toEqual(items);
          expect(batches.every(b => b.length >= 1 && b.length <= size)).toBe(
            true,
          );
          expect(batches).toHaveLength(Math.ceil(items.length / size));
        },
      ),
    );
  });
});

describe('dbNumber', () => {
  it("reads PostgreSQL's strings and SQLite's numbers alike", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), n => {
        expect(dbNumber(String(n))).toBe(n);
        expect(dbNumber(n)).toBe(n);
      }),
    );
  });

  it('keeps null as null in dbNumberOrNull', () => {
    expect(dbNumberOrNull(null)).toBeNull();
    expect(dbNumberOrNull(undefined)).toBeNull();
    expect(dbNumberOrNull('0')).toBe(0);
    expect(dbNumberOrNull(12)).toBe(12);
  });
});
