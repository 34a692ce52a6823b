/**
 * Where an audit reads a log from: an export folder (DESIGN §6 "Export folder") or a running ledger's
 * HTTP API (DESIGN §6 "HTTP API"). Both give the same things: entry 0, the latest cosigned checkpoint,
 * the checkpoints the log published, and every entry's leaf data, streamed in order so that memory
 * stays flat however long the log is.
 *
 * A source that cannot be read at all (a missing folder, a ledger that does not answer) throws a
 * SourceError (exit code 2); what it reads but finds wrong is reported as faults by the audit.
 */

export class SourceError extends Error {
  override readonly name = 'SourceError';
}

export interface PublishedCheckpoint {
  /** The size the source files it under (a file name in checkpoints/, or the size asked for). */
  readonly label: string;
  readonly note: string;
}

/** A problem with the source's own format (reported as an export-format fault). */
export interface FormatProblem {
  readonly index: number;
  readonly message: string;
}

export interface LogSource {
  /** For messages: the folder path or the ledger URL. */
  readonly description: string;
  /** election.json (folder), or entry 0 read from the log (HTTP). */
  electionJson(): Promise<Uint8Array>;
  /** The latest cosigned checkpoint note. */
  latestCheckpoint(): Promise<string>;
  /** Every checkpoint the log published (may be only the latest, if the source cannot list them). */
  publishedCheckpoints(): Promise<PublishedCheckpoint[]>;
  /**
   * Every entry's leaf data in log order, entry 0 first, in chunks of lines (without their newlines).
   * `expected` is the size of the latest checkpoint, for sources that read by range.
   */
  entries(expected: number): AsyncIterable<Uint8Array[]>;
  /** Format problems noticed while reading (e.g. no newline after the last entry). */
  readonly problems: FormatProblem[];
  /** A consistency proof between two sizes, if the source serves proofs (HTTP). */
  consistencyProof?(from: number, to: number): Promise<Uint8Array[]>;
}

/** Splits a byte stream into lines at '\n', copying only the pieces of lines that straddle two chunks. */
export class LineSplitter {
  private carry: Uint8Array[] = [];
  private carryLength = 0;

  /** The complete lines in `chunk` (with what was carried over), without their newlines. */
  push(chunk: Uint8Array): Uint8Array[] {
    const lines: Uint8Array[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (this.carryLength > 0) {
        lines.push(this.joinCarry(piece));
      } else {
        lines.push(piece);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      this.carry.push(rest);
      this.carryLength += rest.length;
    }
    return lines;
  }

  /** What is left after the last newline (a last line without its newline), or undefined. */
  end(): Uint8Array | undefined {
    if (this.carryLength === 0) return undefined;
    return this.joinCarry(new Uint8Array(0));
  }

  private joinCarry(tail: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.carryLength + tail.length);
    let off = 0;
    for (const c of this.carry) {
      out.set(c, off);
      off += c.length;
    }
    out.set(tail, off);
    this.carry = [];
    this.carryLength = 0;
    return out;
  }
}
