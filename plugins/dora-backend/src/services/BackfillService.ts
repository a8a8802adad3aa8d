import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { NormalizeOptions, normalizeGenericEvent } from '../ingest/generic';
import { NumberedLine } from '../ingest/ndjson';
import { NormalizedEvent, assertPlausibleTimes } from '../domain/events';
import { BackfillJob, BackfillStatus } from '../database/BackfillJobsStore';
import { DoraStore } from './DoraStore';
import { IngestService } from './IngestService';

/** Lines stored per transaction. */
export const BACKFILL_CHUNK_LINES = 5000;

/** What a finished backfill request answers. */
export interface BackfillResult {
  backfill: string;
  status: BackfillStatus;
  /** Lines read and stored (blank ones included). */
  lines: number;
  /** Events stored. */
  accepted: number;
  /** Services whose facts were derived. */
  services: number;
}

/**
 * Bulk backfill of a source's history: stores the events of a newline-delimited JSON stream in big
 * transactions with the same validation and upserts as `POST /events`, and derives the facts of
 * each service it touched once, at the end, instead of per batch. Progress is a job row that
 * commits with each chunk, so what is stored is always a known prefix of the stream.
 */
export class BackfillService {
  static create(options: {
    store: DoraStore;
    ingest: IngestService;
    normalize: NormalizeOptions;
    logger: LoggerService;
    chunkLines?: number;
  }) {
    return new BackfillService(
      options.store,
      options.ingest,
      options.normalize,
      options.logger,
      options.chunkLines ?? BACKFILL_CHUNK_LINES,
    );
  }

  private constructor(
    private readonly store: DoraStore,
    private readonly ingest: IngestService,
    private readonly normalize: NormalizeOptions,
    private readonly logger: LoggerService,
    private readonly chunkLines: number,
  ) {}

  /**
   * Runs a backfill for a generic API source (`sourceName` as configured under `dora.sources`).
   * A bad line stops it: the lines before it are stored and derived, and the InputError names the
   * line, the field and where to resume.
   */
  async run(
    sourceName: string,
    lines: AsyncIterable<NumberedLine>,
    now = Date.now(),
  ): Promise<BackfillResult> {
    const id = `bf-${randomUUID()}`;
    const source = `api:${sourceName}`;
    await this.store.createBackfillJob(id, source);
    const started = Date.now();
    let pending: NormalizedEvent[] = [];
    let read = 0; // the last line read and found valid (or blank)
    let stored = { lines: 0, events: 0 };
    const flush = async () => {
      if (pending.length > 0) {
        const events = await this.ingest.prepare(pending, now);
        const progress = {
          lines: read,
          events: stored.events + pending.length,
        };
        await this.store.storeBackfillChunk(
          id,
          events,
          this.ingest.resolve,
          progress,
          now,
        );
        stored = progress;
        pending = [];
      }
    };

    try {
      for await (const { number, text } of lines) {
        if (text.trim() !== '') {
          pending.push(this.parseLine(sourceName, number, text, now));
        }
        read = number;
        if (pending.length >= this.chunkLines) {
          await flush();
        }
      }
      if (stored.events + pending.length === 0) {
        throw new InputError(
          'Request body is empty; send one event per line (application/x-ndjson)',
        );
      }
      await flush();
    } catch (error) {
      return this.stop(id, error, async () => {
        // A bad line: the valid lines before it are stored, so the job is an exact prefix.
        if (error instanceof InputError) {
          await flush();
        }
        return stored.lines;
      });
    }

    await this.store.setBackfillStatus(id, 'deriving');
    const services = await this.store.deriveBackfilled(id);
    await this.store.setBackfillStatus(id, 'completed');
    this.logger.info(
      `DORA: backfill ${id} from ${source}: ${
        stored.events
      } events on ${read} lines, ${services} services derived in ${
        Date.now() - started
      } ms`,
    );
    return {
      backfill: id,
      status: 'completed',
      lines: read,
      accepted: stored.events,
      services,
    };
  }

  /** A job of this source, for `GET /backfill/:id`. */
  async status(
    sourceName: string,
    id: string,
  ): Promise<BackfillJob | undefined> {
    return this.store.getBackfillJob(id, `api:${sourceName}`);
  }

  /** Derives and closes backfills whose request ended without doing so (see the scheduled task). */
  async finishAbandoned(staleAfterMs: number): Promise<number> {
    return this.store.finishAbandonedBackfills(Date.now() - staleAfterMs);
  }

  private parseLine(
    sourceName: string,
    number: number,
    text: string,
    now: number,
  ): NormalizedEvent {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(
        `line ${number}: not valid JSON: ${(error as Error).message}`,
      );
    }
    const event = normalizeGenericEvent(
      sourceName,
      value,
      this.normalize,
      `event on line ${number}`,
    );
    assertPlausibleTimes([event], now, () => `line ${number}`);
    return event;
  }

  /**
   * Ends a job cut short: stores what can be (`keep`), derives the services of what was stored so
   * its figures are whole, records why, and rethrows with where to resume.
   */
  private async stop(
    id: string,
    error: unknown,
    keep: () => Promise<number>,
  ): Promise<never> {
    const bad = error instanceof InputError;
    let storedLines = 0;
    try {
      storedLines = await keep();
      await this.store.deriveBackfilled(id);
    } finally {
      const message = isError(error) ? error.message : String(error);
      await this.store.setBackfillStatus(
        id,
        bad ? 'failed' : 'interrupted',
        message,
      );
    }
    const resume =
      storedLines > 0
        ? `lines 1-${storedLines} are stored (backfill ${id}); send the rest from line ${
            storedLines + 1
          }`
        : `nothing is stored (backfill ${id})`;
    if (bad) {
      throw new InputError(`${(error as Error).message}; ${resume}`);
    }
    this.logger.warn(`DORA: backfill ${id} interrupted: ${error}; ${resume}`);
    throw error;
  }
}
