/**
 * Zebra (Symbol) Simple Serial Interface packets (SSI Programmer's Guide 72E-40451, "SSI Message
 * Formats"): length (1 byte, the packet without its checksum, at least 4), opcode, message source
 * (0 decoder, 4 host), status (bit 0 retransmit, bit 1 continuation of a multipacket message, bit 3
 * change type), data, then a 2-byte checksum sent high byte first: the two's complement of the 16-bit
 * sum of every byte before it.
 *
 * `SsiPacketDecoder` is the byte-level state machine both ends use (the host reading the decoder, the
 * emulator reading the host). A single 0x00 between packets is the host's WAKEUP and is skipped.
 */
import { ByteAccumulator } from './frame-decoder';

export const SSI_OPCODE = {
  REQUEST_REVISION: 0xa3,
  REPLY_REVISION: 0xa4,
  AIM_OFF: 0xc4,
  AIM_ON: 0xc5,
  PARAM_SEND: 0xc6,
  PARAM_REQUEST: 0xc7,
  PARAM_DEFAULTS: 0xc8,
  CMD_ACK: 0xd0,
  CMD_NAK: 0xd1,
  CAPABILITIES_REQUEST: 0xd3,
  CAPABILITIES_REPLY: 0xd4,
  START_DECODE: 0xe4,
  STOP_DECODE: 0xe5,
  BEEP: 0xe6,
  LED_ON: 0xe7,
  LED_OFF: 0xe8,
  SCAN_ENABLE: 0xe9,
  SCAN_DISABLE: 0xea,
  SLEEP: 0xeb,
  DECODE_DATA: 0xf3,
  EVENT: 0xf6,
} as const;

export const SSI_SOURCE = { decoder: 0x00, host: 0x04 } as const;
export const SSI_STATUS = { retransmit: 0x01, continuation: 0x02 } as const;

/** CMD_NAK causes (SSI guide, CMD_NAK). */
export const SSI_NAK = { RESEND: 0x01, BAD_CONTEXT: 0x02, DENIED: 0x06, CANCEL: 0x0a } as const;

export function nakCauseName(cause: number | undefined): string {
  const entry = Object.entries(SSI_NAK).find(([, v]) => v === cause);
  return entry ? entry[0] : `cause 0x${(cause ?? 0).toString(16).padStart(2, '0')}`;
}

export function opcodeName(opcode: number): string {
  const entry = Object.entries(SSI_OPCODE).find(([, v]) => v === opcode);
  return entry ? entry[0] : `opcode 0x${opcode.toString(16).padStart(2, '0')}`;
}

/** DECODE_DATA bar code types that matter for identity documents (SSI guide, "Code Types"). */
const CODE_TYPES: Readonly<Record<number, string>> = {
  0x03: 'Code 128',
  0x11: 'PDF417',
  0x1a: 'Macro PDF417',
  0x1b: 'Data Matrix',
  0x1c: 'QR Code',
  0x2d: 'Aztec',
  0xa0: 'OCR-B',
};

export function codeTypeName(type: number): string {
  return CODE_TYPES[type] ?? `SSI code type 0x${type.toString(16).padStart(2, '0')}`;
}

export const SSI_PDF417 = 0x11;
export const SSI_OCR_B = 0xa0;

export interface SsiPacket {
  readonly opcode: number;
  readonly source: number;
  readonly status: number;
  readonly data: Uint8Array;
}

/** Largest data field: the length byte counts 4 header bytes, so 255 - 4. */
export const SSI_MAX_DATA = 251;

export function ssiChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += b;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

export function encodeSsiPacket(p: SsiPacket): Uint8Array {
  if (p.data.length > SSI_MAX_DATA)
    throw new RangeError(`SSI data is at most ${SSI_MAX_DATA} bytes a packet`);
  const out = new Uint8Array(4 + p.data.length + 2);
  out[0] = 4 + p.data.length;
  out[1] = p.opcode;
  out[2] = p.source;
  out[3] = p.status;
  out.set(p.data, 4);
  const sum = ssiChecksum(out.subarray(0, 4 + p.data.length));
  out[4 + p.data.length] = sum >> 8;
  out[5 + p.data.length] = sum & 0xff;
  return out;
}

export type SsiDecoderOutput =
  | { readonly type: 'packet'; readonly packet: SsiPacket; readonly startedAt: number }
  | { readonly type: 'error'; readonly kind: 'framing' | 'checksum'; readonly message: string };

export interface SsiPacketDecoderOptions {
  /** Silence that abandons a packet begun but not finished (default 500 ms). */
  readonly interByteTimeoutMs?: number;
}

export class SsiPacketDecoder {
  private readonly interByte: number;
  private readonly buf = new ByteAccumulator();
  private startedAt = 0;
  private lastByteAt = 0;

  constructor(options: SsiPacketDecoderOptions = {}) {
    this.interByte = options.interByteTimeoutMs ?? 500;
  }

  feed(bytes: Uint8Array, nowMs: number): SsiDecoderOutput[] {
    const out: SsiDecoderOutput[] = [];
    for (const b of bytes) {
      this.lastByteAt = nowMs;
      if (this.buf.length === 0) {
        if (b === 0x00) continue; // WAKEUP
        if (b < 4) {
          out.push({
            type: 'error',
            kind: 'framing',
            message: `SSI length byte ${b} is below the 4-byte header`,
          });
          continue;
        }
        this.startedAt = nowMs;
      }
      this.buf.push(b);
      const length = this.buf.at(0)!;
      if (this.buf.length === length + 2) out.push(this.complete(length));
    }
    return out;
  }

  tick(nowMs: number): SsiDecoderOutput[] {
    if (this.buf.length === 0 || nowMs - this.lastByteAt < this.interByte) return [];
    const have = this.buf.length;
    const want = this.buf.at(0)! + 2;
    this.buf.clear();
    return [
      { type: 'error', kind: 'framing', message: `an SSI packet stopped after ${have} of ${want} bytes` },
    ];
  }

  nextDeadline(): number | null {
    return this.buf.length === 0 ? null : this.lastByteAt + this.interByte;
  }

  private complete(length: number): SsiDecoderOutput {
    const bytes = this.buf.take();
    const expected = ssiChecksum(bytes.subarray(0, length));
    const got = (bytes[length]! << 8) | bytes[length + 1]!;
    if (expected !== got) {
      return {
        type: 'error',
        kind: 'checksum',
        message: `SSI ${opcodeName(bytes[1]!)} packet checksum does not match`,
      };
    }
    return {
      type: 'packet',
      packet: { opcode: bytes[1]!, source: bytes[2]!, status: bytes[3]!, data: bytes.slice(4, length) },
      startedAt: this.startedAt,
    };
  }
}
