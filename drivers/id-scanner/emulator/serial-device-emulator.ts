/**
 * An emulated serial document reader: the device end of the cable. It writes documents in the framing
 * it is set to, as real readers do, and (SSI) answers the host's commands. It only needs a function
 * that writes bytes towards the host; the bytes it gets back go to `receive`. It runs at the far end
 * of a socat pseudo-terminal pair in tests, and in-process behind createEmulatedScanner for the demo.
 *
 * - lines:   each MRZ line, or a bar code's data, then CR LF (an MRZ's lines may be spaced out by
 *            `lineDelayMs`, as slow OCR readers send them);
 * - stx-etx: STX, the data, ETX, and optionally the XOR block check character;
 * - ssi:     DECODE_DATA packets with the bar code type (PDF417 for AAMVA, OCR-B for an MRZ).
 */
import { DeadlineTimer, monotonicNow } from '../scanner-core';
import type { SerialFraming } from '../serial-protocol';
import { ETX, STX } from '../framing/stx-etx-decoder';
import { SSI_OCR_B, SSI_PDF417 } from '../framing/ssi-packet';
import { SsiDeviceSession, type SsiDeviceOutput } from './ssi-device';

export interface SerialDeviceEmulatorOptions {
  readonly framing: SerialFraming;
  /** Writes bytes towards the host (a serial port, or the in-process host's receive). */
  readonly write: (bytes: Uint8Array) => void;
  /** Device-side protocol errors (a corrupted host packet); none by default. */
  readonly onError?: (message: string) => void;
  readonly revision?: string;
  readonly blockCheck?: 'none' | 'xor';
  /** Pause between MRZ lines in line framing (default 0: one write). */
  readonly lineDelayMs?: number;
}

const CRLF = Uint8Array.of(0x0d, 0x0a);

const isMrz = (payload: Uint8Array) => payload[0] !== 0x40;

export class SerialDeviceEmulator {
  readonly framing: SerialFraming;
  private readonly ssi: SsiDeviceSession | null;
  private readonly timer: DeadlineTimer | null;
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private readonly options: SerialDeviceEmulatorOptions) {
    this.framing = options.framing;
    this.ssi =
      options.framing === 'ssi'
        ? new SsiDeviceSession(options.revision ? { revision: options.revision } : {})
        : null;
    const ssi = this.ssi;
    this.timer = ssi
      ? new DeadlineTimer(
          () => ssi.nextDeadline(),
          (t) => this.emit(ssi.tick(t)),
        )
      : null;
  }

  /** Whether the host has scanning enabled (always true for the framings without commands). */
  get scanning(): boolean {
    return this.ssi?.enabled ?? true;
  }

  /** Bytes from the host (SSI commands and acknowledgements; ignored by the other framings). */
  receive(bytes: Uint8Array): void {
    if (this.closed || !this.ssi) return;
    this.emit(this.ssi.receive(bytes, monotonicNow()));
  }

  /**
   * Sends a decoded document. MRZ payloads are lines joined by LF; AAMVA payloads start with `@`.
   * Returns false when the host has disabled scanning (SSI), as a real reader would then not read.
   */
  present(payload: Uint8Array): boolean {
    if (this.closed) return false;
    switch (this.framing) {
      case 'lines':
        this.presentLines(payload);
        return true;
      case 'stx-etx': {
        const frame = [STX, ...payload, ETX];
        if (this.options.blockCheck === 'xor') frame.push(frame.slice(1).reduce((x, b) => x ^ b, 0));
        this.options.write(Uint8Array.from(frame));
        return true;
      }
      case 'ssi': {
        const { accepted, out } = this.ssi!.present(
          payload,
          isMrz(payload) ? SSI_OCR_B : SSI_PDF417,
          monotonicNow(),
        );
        this.emit(out);
        return accepted;
      }
    }
  }

  /** Fault injection: raw bytes on the line. */
  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.options.write(bytes);
  }

  /** Fault injection (SSI): the next `packets` packets go out with a wrong checksum. */
  corruptNext(packets: number): void {
    this.ssi?.corruptNext(packets);
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  private presentLines(payload: Uint8Array): void {
    if (!isMrz(payload) || !this.options.lineDelayMs) {
      // AAMVA goes as one block: its own header gives its length (line-decoder.ts).
      const lines = isMrz(payload) ? splitLines(payload) : [payload];
      this.options.write(Uint8Array.from(lines.flatMap((l) => [...l, ...CRLF])));
      return;
    }
    splitLines(payload).forEach((line, i) => {
      const t = setTimeout(() => {
        this.pending.delete(t);
        if (!this.closed) this.options.write(Uint8Array.from([...line, ...CRLF]));
      }, i * this.options.lineDelayMs!);
      this.pending.add(t);
    });
  }

  private emit(out: readonly SsiDeviceOutput[]): void {
    for (const o of out) {
      if (o.type === 'send') {
        if (!this.closed) this.options.write(o.bytes);
      } else {
        this.options.onError?.(o.message);
      }
    }
    this.timer?.reschedule();
  }
}

function splitLines(payload: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= payload.length; i++) {
    if (i === payload.length || payload[i] === 0x0a || payload[i] === 0x0d) {
      if (i > start) lines.push(payload.subarray(start, i));
      start = i + 1;
    }
  }
  return lines;
}
