/**
 * STX ... ETX framing (ASCII 0x02 / 0x03), which readers offer as "STX/ETX prefix/suffix" so a host
 * can find a whole document even when it contains CR and LF (AAMVA payloads, multi-line MRZ).
 * Optionally a block check character follows ETX: the XOR of every byte after STX up to and including
 * ETX (the usual BCC/LRC of STX/ETX protocols); a mismatch is a checksum error.
 *
 * Line endings and NUL between frames are ignored (readers often add CR LF after ETX); any other byte
 * outside a frame is a framing error (reported once per run). An STX inside a frame, a frame left open
 * past the inter-byte timeout, or one longer than the limit is a framing error; the decoder then waits
 * for the next STX.
 */
import { ByteAccumulator, MAX_FRAME_BYTES, type DecoderOutput, type FrameDecoder } from './frame-decoder';

export const STX = 0x02;
export const ETX = 0x03;

export interface StxEtxDecoderOptions {
  readonly blockCheck?: 'none' | 'xor';
  /** Silence that abandons an open frame (default 1000 ms). */
  readonly interByteTimeoutMs?: number;
  readonly maxFrameBytes?: number;
}

const IGNORED_BETWEEN_FRAMES = new Set([0x0a, 0x0d, 0x00, 0x20]);

export class StxEtxDecoder implements FrameDecoder {
  private readonly bcc: 'none' | 'xor';
  private readonly interByte: number;
  private readonly max: number;
  private state: 'idle' | 'frame' | 'bcc' = 'idle';
  private readonly data = new ByteAccumulator();
  private startedAt = 0;
  private lastByteAt = 0;
  private strayReported = false;

  constructor(options: StxEtxDecoderOptions = {}) {
    this.bcc = options.blockCheck ?? 'none';
    this.interByte = options.interByteTimeoutMs ?? 1000;
    this.max = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  feed(bytes: Uint8Array, nowMs: number): DecoderOutput[] {
    const out: DecoderOutput[] = [];
    for (const b of bytes) {
      this.lastByteAt = nowMs;
      switch (this.state) {
        case 'idle':
          if (b === STX) this.open(nowMs);
          else if (!IGNORED_BETWEEN_FRAMES.has(b) && !this.strayReported) {
            this.strayReported = true;
            out.push({ type: 'error', kind: 'framing', message: 'bytes arrived outside an STX...ETX frame' });
          }
          break;
        case 'frame':
          if (b === STX) {
            out.push({
              type: 'error',
              kind: 'framing',
              message: 'STX inside a frame: the frame before it was cut short',
            });
            this.open(nowMs);
          } else if (b === ETX) {
            if (this.bcc === 'xor') this.state = 'bcc';
            else this.close(out);
          } else if (this.data.length >= this.max) {
            out.push({
              type: 'error',
              kind: 'framing',
              message: `a frame ran past ${this.max} bytes without ETX`,
            });
            this.reset();
          } else {
            this.data.push(b);
          }
          break;
        case 'bcc': {
          let x = ETX;
          for (const d of this.data.view()) x ^= d;
          if (x !== b) {
            out.push({
              type: 'error',
              kind: 'checksum',
              message: 'the block check character after ETX does not match the frame',
            });
            this.reset();
          } else {
            this.close(out);
          }
          break;
        }
      }
    }
    return out;
  }

  tick(nowMs: number): DecoderOutput[] {
    if (this.state === 'idle' || nowMs - this.lastByteAt < this.interByte) return [];
    const what = this.state === 'bcc' ? 'its block check character' : 'ETX';
    this.reset();
    return [
      {
        type: 'error',
        kind: 'framing',
        message: `a frame was left open: no ${what} within ${this.interByte} ms`,
      },
    ];
  }

  nextDeadline(): number | null {
    return this.state === 'idle' ? null : this.lastByteAt + this.interByte;
  }

  private open(nowMs: number): void {
    this.state = 'frame';
    this.data.clear();
    this.startedAt = nowMs;
    this.strayReported = false;
  }

  private close(out: DecoderOutput[]): void {
    if (this.data.length === 0)
      out.push({ type: 'error', kind: 'framing', message: 'an empty STX...ETX frame' });
    else out.push({ type: 'frame', bytes: this.data.take(), symbology: null, startedAt: this.startedAt });
    this.reset();
  }

  private reset(): void {
    this.state = 'idle';
    this.data.clear();
  }
}
