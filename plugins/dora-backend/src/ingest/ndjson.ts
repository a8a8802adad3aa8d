import { InputError } from '@backstage/errors';

/** One line of a newline-delimited JSON stream, numbered from 1. */
export interface NumberedLine {
  number: number;
  text: string;
}

/** Bounds of one NDJSON request. */
export interface NdjsonLimits {
  /** Longest line, in bytes (without its newline). */
  maxLineBytes: number;
  /** Most lines, blank ones included. */
  maxLines: number;
  /** Most bytes in all (after decompression). */
  maxBytes: number;
}

/**
 * Splits a byte stream into numbered UTF-8 lines (`\n` or `\r\n`), without buffering more than one
 * line: a history of any size streams through in bounded memory. A line over the limit is refused
 * before it is buffered whole.
 */
export async function* ndjsonLines(
  input: AsyncIterable<Buffer | string>,
  limits: NdjsonLimits,
): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let partBytes = 0;
  let number = 0;
  let total = 0;
  const line = (rest: Buffer): NumberedLine => {
    number += 1;
    if (number > limits.maxLines) {
      throw new InputError(
        `line ${number}: a backfill request takes at most ${limits.maxLines} lines; send the rest (from line ${number}) in another request`,
      );
    }
    const bytes = parts.length ? Buffer.concat([...parts, rest]) : rest;
    parts = [];
    partBytes = 0;
    const end =
      bytes.length > 0 && bytes[bytes.length - 1] === 0x0d
        ? bytes.length - 1
        : bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, end));
    } catch {
      throw new InputError(`line ${number}: not valid UTF-8`);
    }
    return { number, text };
  };
  for await (const chunk of input) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > limits.maxBytes) {
      throw new InputError(
        `a backfill request takes at most ${limits.maxBytes} bytes (line ${
          number + 1
        } went over)`,
      );
    }
    for (;;) {
      const newline = buffer.indexOf(0x0a);
      if (newline < 0) {
        break;
      }
      if (partBytes + newline > limits.maxLineBytes) {
        throw new InputError(
          `line ${number + 1}: longer than ${limits.maxLineBytes} bytes`,
        );
      }
      yield line(buffer.subarray(0, newline));
      buffer = buffer.subarray(newline + 1);
    }
    if (buffer.length > 0) {
      partBytes += buffer.length;
      if (partBytes > limits.maxLineBytes) {
        throw new InputError(
          `line ${number + 1}: longer than ${limits.maxLineBytes} bytes`,
        );
      }
      parts.push(Buffer.from(buffer));
    }
  }
  if (partBytes > 0) {
    yield line(Buffer.alloc(0));
  }
}
