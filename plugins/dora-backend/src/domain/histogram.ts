/**
 * A mergeable log-bucket histogram of durations in hours (a DDSketch-style sketch), so medians over
 * millions of commits can be answered from daily rollups.
 *
 * Bucket i >= 1 holds values in (MIN * GAMMA^(i-1), MIN * GAMMA^i] and stands for
 * 2 * MIN * GAMMA^i / (GAMMA + 1), which is within RELATIVE_ERROR of every value in it. Bucket 0
 * holds values of at most MIN (one second) and stands for 0.
 */
export const HISTOGRAM_GAMMA = 1.05;
/** (GAMMA - 1) / (GAMMA + 1): 2.44%. */
export const HISTOGRAM_RELATIVE_ERROR =
  (HISTOGRAM_GAMMA - 1) / (HISTOGRAM_GAMMA + 1);
const MIN_HOURS = 1 / 3600;
const LOG_GAMMA = Math.log(HISTOGRAM_GAMMA);

/** Buckets above this (about 1.05^1023 seconds, far beyond any real duration) are clamped. */
const MAX_BUCKET = 1023;

/** The bucket of a duration in hours. */
export function bucketOf(hours: number): number {
  if (!(hours > MIN_HOURS)) {
    return 0;
  }
  return Math.min(
    MAX_BUCKET,
    Math.max(1, Math.ceil(Math.log(hours / MIN_HOURS) / LOG_GAMMA)),
  );
}

/** The value a bucket stands for. */
export function bucketValue(bucket: number): number {
  return bucket <= 0
    ? 0
    : (2 * MIN_HOURS * HISTOGRAM_GAMMA ** bucket) / (HISTOGRAM_GAMMA + 1);
}

/** Encoded form: a flat array of bucket, count pairs in bucket order, as JSON or parsed. */
export type EncodedHistogram = string | number[];

export class LogHistogram {
  private readonly counts = new Float64Array(MAX_BUCKET + 1);
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(hours: number, times = 1): void {
    this.addBucket(bucketOf(hours), times);
  }

  addBucket(bucket: number, times: number): void {
    this.counts[Math.max(0, Math.min(MAX_BUCKET, bucket))] += times;
    this.total += times;
  }

  /** Adds an encoded histogram (see `encode`). */
  merge(encoded: EncodedHistogram | null | undefined): void {
    if (!encoded) {
      return;
    }
    const pairs =
      typeof encoded === 'string' ? (JSON.parse(encoded) as number[]) : encoded;
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      this.addBucket(pairs[i], pairs[i + 1]);
    }
  }

  mergeHistogram(other: LogHistogram): void {
    for (let b = 0; b <= MAX_BUCKET; b++) {
      this.counts[b] += other.counts[b];
    }
    this.total += other.total;
  }

  /** Flat JSON array of bucket, count pairs in bucket order. */
  encode(): string {
    const flat: number[] = [];
    for (let b = 0; b <= MAX_BUCKET; b++) {
      if (this.counts[b] > 0) {
        flat.push(b, this.counts[b]);
      }
    }
    return JSON.stringify(flat);
  }

  /** The median of the represented values (mean of the two middle ones for even counts). */
  median(): number | null {
    if (this.total === 0) {
      return null;
    }
    const at = (rank: number) => {
      let seen = 0;
      for (let b = 0; b <= MAX_BUCKET; b++) {
        seen += this.counts[b];
        if (rank < seen) {
          return bucketValue(b);
        }
      }
      return bucketValue(MAX_BUCKET);
    };
    const mid = Math.floor(this.total / 2);
    return this.total % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  }
}
