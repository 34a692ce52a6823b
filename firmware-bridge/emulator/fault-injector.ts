/**
 * Faults the emulated controller can put on its answers, so tests and the dev dock can show what the
 * host does on a bad line: whole answers dropped, answers with a broken CRC, answers delayed, single
 * frames dropped at random (seeded, so a test run can be replayed). Disconnection is the emulator's
 * own business (it closes its end of the link).
 */
/** Which answers a fault applies to: all by default, or one group, or one command of a group. */
export interface FaultTarget {
  readonly group?: number;
  readonly id?: number;
}

export interface FaultSettings {
  readonly dropAnswers: number;
  readonly corruptAnswers: number;
  readonly delayMs: number;
  readonly frameDropRate: number;
}

export class FaultInjector {
  private dropAnswers = 0;
  private dropTarget: FaultTarget = {};
  private corruptAnswers = 0;
  private corruptTarget: FaultTarget = {};
  private delay = 0;
  private frameDropRate = 0;
  private state: number;

  constructor(seed = 0x0a5a5a5) {
    this.state = seed >>> 0 || 1;
  }

  /** The next `n` answers (to `target`) are never sent: the host sees a timeout and tries again. */
  dropNextAnswers(n: number, target: FaultTarget = {}): void {
    this.dropAnswers = nonNegative(n, 'answers to drop');
    this.dropTarget = target;
  }

  /** The next `n` answers (to `target`) go out with their CRC flipped: the host sees a CRC error. */
  corruptNextAnswers(n: number, target: FaultTarget = {}): void {
    this.corruptAnswers = nonNegative(n, 'answers to corrupt');
    this.corruptTarget = target;
  }

  /** Every answer waits this long before it is sent. */
  setDelay(ms: number): void {
    this.delay = nonNegative(ms, 'delay');
  }

  /** Each frame of each answer is dropped with this probability (0 to 1). */
  setFrameDropRate(p: number): void {
    if (!(p >= 0 && p <= 1)) throw new RangeError('frame drop rate is a probability from 0 to 1');
    this.frameDropRate = p;
  }

  clear(): void {
    this.dropAnswers = 0;
    this.corruptAnswers = 0;
    this.delay = 0;
    this.frameDropRate = 0;
  }

  get delayMs(): number {
    return this.delay;
  }

  settings(): FaultSettings {
    return {
      dropAnswers: this.dropAnswers,
      corruptAnswers: this.corruptAnswers,
      delayMs: this.delay,
      frameDropRate: this.frameDropRate,
    };
  }

  /** The frames to actually send for one answer to `command` (none when it is dropped). */
  apply(
    frames: readonly Uint8Array[],
    command: { readonly group: number; readonly id: number },
  ): Uint8Array[] {
    if (this.dropAnswers > 0 && matches(this.dropTarget, command)) {
      this.dropAnswers--;
      return [];
    }
    let out = [...frames];
    if (this.corruptAnswers > 0 && out.length > 0 && matches(this.corruptTarget, command)) {
      this.corruptAnswers--;
      out[out.length - 1] = flipCrc(out[out.length - 1]!);
    }
    if (this.frameDropRate > 0) out = out.filter(() => this.random() >= this.frameDropRate);
    return out;
  }

  /** xorshift32: small, seeded, good enough to pick frames. */
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }
}

/**
 * Re-encodes a packet's last frame with its last byte flipped: the CRC's low byte, which serial_util.c
 * puts at the very end of the last frame, so the packet no longer checks (the frame keeps its length).
 */
export function flipCrc(frame: Uint8Array): Uint8Array {
  const text = Buffer.from(frame.subarray(2, frame.length - 1)).toString('latin1');
  const raw = Buffer.from(text, 'base64');
  raw[raw.length - 1] = raw[raw.length - 1]! ^ 0xff;
  const again = raw.toString('base64');
  const out = new Uint8Array(2 + again.length + 1);
  out.set(frame.subarray(0, 2), 0);
  out.set(Buffer.from(again, 'latin1'), 2);
  out[out.length - 1] = 0x0a;
  return out;
}

function matches(t: FaultTarget, c: { readonly group: number; readonly id: number }): boolean {
  return (t.group === undefined || t.group === c.group) && (t.id === undefined || t.id === c.id);
}

function nonNegative(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number, 0 or more`);
  return n;
}
