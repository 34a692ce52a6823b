/**
 * The three serial framings behind one host-side shape, so the serial transport and the in-process
 * emulator run the same decoding code: plain lines (line-decoder.ts), STX/ETX frames
 * (stx-etx-decoder.ts) and Zebra SSI packets (ssi-host.ts, which also answers and sends commands).
 */
import type { Result } from '../../protocol/result';
import type { Frame } from './framing/frame-decoder';
import { LineDecoder, type LineDecoderOptions } from './framing/line-decoder';
import { SsiHostSession, type SsiHostOptions, type SsiHostOutput } from './framing/ssi-host';
import type { SsiPacket } from './framing/ssi-packet';
import { StxEtxDecoder, type StxEtxDecoderOptions } from './framing/stx-etx-decoder';

export type SerialFraming = 'lines' | 'stx-etx' | 'ssi';

export const SERIAL_FRAMINGS: readonly SerialFraming[] = ['lines', 'stx-etx', 'ssi'];

export interface SerialProtocolOptions {
  readonly lines?: LineDecoderOptions;
  readonly stxEtx?: StxEtxDecoderOptions;
  readonly ssi?: SsiHostOptions;
}

export type ProtocolOutput = SsiHostOutput | Frame;

export interface SerialProtocol {
  readonly framing: SerialFraming;
  receive(bytes: Uint8Array, nowMs: number): ProtocolOutput[];
  tick(nowMs: number): ProtocolOutput[];
  nextDeadline(): number | null;
  /** SSI only: queues a command; its answer is a `reply` output with the returned id. */
  command?(opcode: number, data: Uint8Array, nowMs: number): { id: number; out: ProtocolOutput[] };
}

export function createSerialProtocol(
  framing: SerialFraming,
  options: SerialProtocolOptions = {},
): SerialProtocol {
  if (framing === 'ssi') {
    const session = new SsiHostSession(options.ssi);
    return {
      framing,
      receive: (bytes, now) => session.receive(bytes, now),
      tick: (now) => session.tick(now),
      nextDeadline: () => session.nextDeadline(),
      command: (opcode, data, now) => session.command(opcode, data, now),
    };
  }
  const decoder = framing === 'lines' ? new LineDecoder(options.lines) : new StxEtxDecoder(options.stxEtx);
  return {
    framing,
    receive: (bytes, now) => decoder.feed(bytes, now),
    tick: (now) => decoder.tick(now),
    nextDeadline: () => decoder.nextDeadline(),
  };
}

/** Result of an SSI command as the transports hand it back. */
export type SsiReply = Result<SsiPacket | null, string>;
