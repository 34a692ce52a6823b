/**
 * What every framing decoder has in common. Decoders are pure state machines: bytes and the current
 * time go in, complete frames and framing errors come out, so they can be replayed from a recording
 * and property-tested without any I/O (issue 4). The transport calls `tick` at `nextDeadline()` for
 * the time-based rules (inter-line and inter-byte timeouts).
 */

export type FrameErrorKind = 'framing' | 'checksum';

/** A complete frame: the bytes of one scanned document (without framing bytes). */
export interface Frame {
  readonly type: 'frame';
  readonly bytes: Uint8Array;
  /** Symbology the reader reported (e.g. `PDF417`, `]L0`), or null when the framing carries none. */
  readonly symbology: string | null;
  /** Time (ms, the caller's clock) the first byte of the frame arrived, for latency. */
  readonly startedAt: number;
}

export interface FrameError {
  readonly type: 'error';
  readonly kind: FrameErrorKind;
  /** What was wrong with the bytes; never the bytes themselves (they may hold personal data). */
  readonly message: string;
}

export type DecoderOutput = Frame | FrameError;

export interface FrameDecoder {
  feed(bytes: Uint8Array, nowMs: number): DecoderOutput[];
  tick(nowMs: number): DecoderOutput[];
  /** When `tick` next has something to decide, or null when nothing is pending. */
  nextDeadline(): number | null;
}

/** A frame longer than this is not a document (PDF417 holds about 1.8 kB); the decoder resynchronises. */
export const MAX_FRAME_BYTES = 8192;

/** Growable byte buffer for decoders (avoids quadratic concatenation). */
export class ByteAccumulator {
  private buf = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  push(b: number): void {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = b;
  }

  at(i: number): number | undefined {
    return i < this.len ? this.buf[i] : undefined;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }

  clear(): void {
    this.len = 0;
  }
}
