/**
 * Plain line framing, as most serial document readers send by default: each line ends with CR, LF or
 * CRLF (blank lines are ignored).
 *
 * - MRZ readers send a document as 2 or 3 lines (ICAO 9303: TD1 3 x 30, TD2 2 x 36, TD3 2 x 44). Lines
 *   of one MRZ width are grouped into one document; the group is complete with its last line, or is
 *   handed on as it is when the next line does not fit or when no line follows within the inter-line
 *   timeout (the parser then says what is missing).
 * - An AAMVA payload contains LF and CR itself, so a line starting with `@` is read by the length its
 *   own header declares (aamva-structure.ts), not up to the next line break.
 * - A line left without a terminator for the inter-byte timeout is complete (readers set to send no
 *   suffix).
 * After a framing error, bytes are dropped until the line is quiet for the inter-byte timeout, so the
 * decoder resynchronises on the next document.
 */
import { aamvaDeclaredLength } from '../aamva-structure';
import { ByteAccumulator, MAX_FRAME_BYTES, type DecoderOutput, type FrameDecoder } from './frame-decoder';

export interface LineDecoderOptions {
  /** How long to wait for the next line of an MRZ (default 300 ms). */
  readonly interLineTimeoutMs?: number;
  /** Silence that ends an unterminated line or abandons a partial AAMVA payload (default 1000 ms). */
  readonly interByteTimeoutMs?: number;
  readonly maxFrameBytes?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const AT = 0x40;
const MRZ_WIDTHS: Readonly<Record<number, number>> = { 30: 3, 36: 2, 44: 2 };

function isMrzLine(line: Uint8Array): boolean {
  if (MRZ_WIDTHS[line.length] === undefined) return false;
  return line.every((b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || b === 0x3c);
}

interface MrzGroup {
  readonly width: number;
  readonly lines: Uint8Array[];
  readonly startedAt: number;
  deadline: number;
}

export class LineDecoder implements FrameDecoder {
  private readonly interLine: number;
  private readonly interByte: number;
  private readonly max: number;
  private mode: 'line' | 'aamva' | 'discard' = 'line';
  private readonly line = new ByteAccumulator();
  private lineStartedAt = 0;
  private lastByteAt = 0;
  private aamvaLength: number | null = null;
  private group: MrzGroup | null = null;

  constructor(options: LineDecoderOptions = {}) {
    this.interLine = options.interLineTimeoutMs ?? 300;
    this.interByte = options.interByteTimeoutMs ?? 1000;
    this.max = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  feed(bytes: Uint8Array, nowMs: number): DecoderOutput[] {
    const out: DecoderOutput[] = [];
    for (const b of bytes) {
      this.lastByteAt = nowMs;
      if (this.mode === 'discard') continue;
      if (this.mode === 'aamva') {
        this.aamvaByte(b, out);
        continue;
      }
      if (b === CR || b === LF) {
        this.endLine(nowMs, out);
        continue;
      }
      if (this.line.length === 0) {
        this.lineStartedAt = nowMs;
        if (b === AT) {
          this.mode = 'aamva';
          this.aamvaLength = null;
          this.aamvaByte(b, out);
          continue;
        }
      }
      this.line.push(b);
      if (this.line.length > this.max)
        this.fail(`a line ran past ${this.max} bytes without a line break`, out);
    }
    return out;
  }

  tick(nowMs: number): DecoderOutput[] {
    const out: DecoderOutput[] = [];
    const quiet = nowMs - this.lastByteAt >= this.interByte;
    if (this.mode === 'discard' && quiet) this.mode = 'line';
    if (this.mode === 'aamva' && quiet) {
      const declared = this.aamvaLength === null ? 'its header' : `${this.aamvaLength} declared bytes`;
      this.fail(`an AAMVA payload stopped after ${this.line.length} bytes, before ${declared} arrived`, out);
      this.mode = 'line';
    }
    if (this.mode === 'line' && quiet && this.line.length > 0) this.endLine(nowMs, out);
    if (this.group && nowMs >= this.group.deadline) this.flushGroup(out);
    return out;
  }

  nextDeadline(): number | null {
    const deadlines: number[] = [];
    if (this.group) deadlines.push(this.group.deadline);
    if (this.mode !== 'line' || this.line.length > 0) deadlines.push(this.lastByteAt + this.interByte);
    return deadlines.length ? Math.min(...deadlines) : null;
  }

  private aamvaByte(b: number, out: DecoderOutput[]): void {
    this.line.push(b);
    if (this.aamvaLength === null) {
      const declared = aamvaDeclaredLength(this.line.view());
      if (!declared.ok) return this.fail(`AAMVA header: ${declared.error.message}`, out);
      if (declared.value === null) return;
      if (declared.value > this.max)
        return this.fail(`an AAMVA header declares ${declared.value} bytes`, out);
      this.aamvaLength = declared.value;
    }
    if (this.line.length >= this.aamvaLength) {
      this.flushGroup(out);
      out.push({ type: 'frame', bytes: this.line.take(), symbology: null, startedAt: this.lineStartedAt });
      this.mode = 'line';
    }
  }

  private endLine(nowMs: number, out: DecoderOutput[]): void {
    if (this.line.length === 0) return;
    const line = this.line.take();
    if (!isMrzLine(line)) {
      this.flushGroup(out);
      out.push({ type: 'frame', bytes: line, symbology: null, startedAt: this.lineStartedAt });
      return;
    }
    if (this.group && this.group.width !== line.length) this.flushGroup(out);
    if (!this.group)
      this.group = { width: line.length, lines: [], startedAt: this.lineStartedAt, deadline: 0 };
    this.group.lines.push(line);
    this.group.deadline = nowMs + this.interLine;
    if (this.group.lines.length === MRZ_WIDTHS[this.group.width]) this.flushGroup(out);
  }

  /** Hands on the pending MRZ lines as one frame, joined by LF. */
  private flushGroup(out: DecoderOutput[]): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    const acc = new ByteAccumulator();
    group.lines.forEach((l, i) => {
      if (i > 0) acc.push(LF);
      for (const b of l) acc.push(b);
    });
    out.push({ type: 'frame', bytes: acc.take(), symbology: 'OCR-B', startedAt: group.startedAt });
  }

  private fail(message: string, out: DecoderOutput[]): void {
    out.push({ type: 'error', kind: 'framing', message });
    this.line.clear();
    this.aamvaLength = null;
    this.mode = 'discard';
  }
}
