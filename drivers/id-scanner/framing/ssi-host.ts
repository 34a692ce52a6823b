/**
 * The host side of an SSI conversation (SSI Programmer's Guide 72E-40451, "SSI Transactions"), as a
 * pure state machine: packets in, frames and bytes to send out.
 *
 * - Every DECODE_DATA and EVENT packet is acknowledged with CMD_ACK; a packet whose checksum fails is
 *   answered CMD_NAK RESEND so the decoder sends it again (with the retransmit bit). A retransmission
 *   of a packet already accepted (its ACK was lost) is acknowledged and dropped.
 * - DECODE_DATA longer than one packet comes as several packets with the continuation bit set on all
 *   but the last; each carries the bar code type, then its share of the data.
 * - Host commands (SCAN_ENABLE, REQUEST_REVISION, ...) go one at a time: the next is sent when the
 *   previous is answered (CMD_ACK, or REPLY_REVISION for REQUEST_REVISION), NAKed, or timed out; a
 *   NAK RESEND or a timeout sends it again with the retransmit bit, up to `retries` times.
 */
import { err, ok, type Result } from '../../../protocol/result';
import { ByteAccumulator, MAX_FRAME_BYTES, type Frame } from './frame-decoder';
import {
  codeTypeName,
  encodeSsiPacket,
  nakCauseName,
  opcodeName,
  SSI_NAK,
  SSI_OPCODE,
  SSI_SOURCE,
  SSI_STATUS,
  SsiPacketDecoder,
  type SsiPacket,
} from './ssi-packet';

export type SsiErrorKind = 'framing' | 'checksum' | 'nak' | 'timeout' | 'protocol';

export type SsiHostOutput =
  | Frame
  | { readonly type: 'error'; readonly kind: SsiErrorKind; readonly message: string }
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'reply'; readonly commandId: number; readonly result: Result<SsiPacket | null, string> }
  | { readonly type: 'event'; readonly code: number };

export interface SsiHostOptions {
  /** How long to wait for a command's answer before sending it again (default 1000 ms). */
  readonly replyTimeoutMs?: number;
  /** How many times a command is sent again after NAK RESEND or a timeout (default 2). */
  readonly retries?: number;
  /** Silence that abandons a half-received packet or multipacket message (default 500 ms). */
  readonly interByteTimeoutMs?: number;
}

interface Command {
  readonly id: number;
  readonly opcode: number;
  readonly data: Uint8Array;
  /** The answer that completes it: CMD_ACK for most, a reply opcode for requests. */
  readonly expects: number;
  attempts: number;
  deadline: number;
}

const REPLIES: Readonly<Record<number, number>> = {
  [SSI_OPCODE.REQUEST_REVISION]: SSI_OPCODE.REPLY_REVISION,
  [SSI_OPCODE.CAPABILITIES_REQUEST]: SSI_OPCODE.CAPABILITIES_REPLY,
  [SSI_OPCODE.PARAM_REQUEST]: SSI_OPCODE.PARAM_SEND,
};

const hostPacket = (opcode: number, data: Uint8Array, status = 0) =>
  encodeSsiPacket({ opcode, source: SSI_SOURCE.host, status, data });

export class SsiHostSession {
  private readonly packets: SsiPacketDecoder;
  private readonly replyTimeout: number;
  private readonly retries: number;
  private readonly interByte: number;
  private nextId = 1;
  private current: Command | null = null;
  private readonly queue: Command[] = [];
  private multi: { type: number; data: ByteAccumulator; startedAt: number; lastAt: number } | null = null;
  private lastAccepted: Uint8Array | null = null;

  constructor(options: SsiHostOptions = {}) {
    this.replyTimeout = options.replyTimeoutMs ?? 1000;
    this.retries = options.retries ?? 2;
    this.interByte = options.interByteTimeoutMs ?? 500;
    this.packets = new SsiPacketDecoder({ interByteTimeoutMs: this.interByte });
  }

  /** Queues a host command; its answer comes as a `reply` output with this id. */
  command(opcode: number, data: Uint8Array, nowMs: number): { id: number; out: SsiHostOutput[] } {
    const cmd: Command = {
      id: this.nextId++,
      opcode,
      data,
      expects: REPLIES[opcode] ?? SSI_OPCODE.CMD_ACK,
      attempts: 0,
      deadline: 0,
    };
    this.queue.push(cmd);
    const out: SsiHostOutput[] = [];
    this.sendNext(nowMs, out);
    return { id: cmd.id, out };
  }

  receive(bytes: Uint8Array, nowMs: number): SsiHostOutput[] {
    const out: SsiHostOutput[] = [];
    for (const o of this.packets.feed(bytes, nowMs)) {
      if (o.type === 'packet') this.onPacket(o.packet, o.startedAt, nowMs, out);
      else {
        out.push(o);
        // A corrupted packet is asked for again; a framing error leaves nothing to ask for.
        if (o.kind === 'checksum')
          out.push({ type: 'send', bytes: hostPacket(SSI_OPCODE.CMD_NAK, Uint8Array.of(SSI_NAK.RESEND)) });
      }
    }
    return out;
  }

  tick(nowMs: number): SsiHostOutput[] {
    const out: SsiHostOutput[] = this.packets.tick(nowMs).filter((o) => o.type === 'error');
    if (this.multi && nowMs - this.multi.lastAt >= this.interByte) {
      this.multi = null;
      out.push({
        type: 'error',
        kind: 'framing',
        message: 'a multipacket DECODE_DATA message stopped before its last packet',
      });
    }
    if (this.current && nowMs >= this.current.deadline)
      this.retry(`no answer to ${opcodeName(this.current.opcode)}`, 'timeout', nowMs, out);
    return out;
  }

  nextDeadline(): number | null {
    const d = [
      this.packets.nextDeadline(),
      this.current?.deadline ?? null,
      this.multi ? this.multi.lastAt + this.interByte : null,
    ];
    const set = d.filter((x): x is number => x !== null);
    return set.length ? Math.min(...set) : null;
  }

  private sendNext(nowMs: number, out: SsiHostOutput[]): void {
    if (this.current || this.queue.length === 0) return;
    this.current = this.queue.shift()!;
    this.transmit(this.current, nowMs, out);
  }

  private transmit(cmd: Command, nowMs: number, out: SsiHostOutput[]): void {
    const status = cmd.attempts > 0 ? SSI_STATUS.retransmit : 0;
    cmd.attempts++;
    cmd.deadline = nowMs + this.replyTimeout;
    out.push({ type: 'send', bytes: hostPacket(cmd.opcode, cmd.data, status) });
  }

  private finish(result: Result<SsiPacket | null, string>, nowMs: number, out: SsiHostOutput[]): void {
    const cmd = this.current!;
    this.current = null;
    out.push({ type: 'reply', commandId: cmd.id, result });
    this.sendNext(nowMs, out);
  }

  private retry(reason: string, kind: SsiErrorKind, nowMs: number, out: SsiHostOutput[]): void {
    const cmd = this.current!;
    if (cmd.attempts <= this.retries) {
      this.transmit(cmd, nowMs, out);
      return;
    }
    const message = `${reason} after ${cmd.attempts} attempts`;
    out.push({ type: 'error', kind, message });
    this.finish(err(message), nowMs, out);
  }

  private onPacket(p: SsiPacket, startedAt: number, nowMs: number, out: SsiHostOutput[]): void {
    if (p.source !== SSI_SOURCE.decoder) {
      out.push({
        type: 'error',
        kind: 'protocol',
        message: `an SSI packet from source ${p.source}, not the decoder (0)`,
      });
      return;
    }
    const cmd = this.current;
    if (p.opcode === SSI_OPCODE.CMD_NAK && cmd) {
      const cause = p.data[0];
      if (cause === SSI_NAK.RESEND)
        return this.retry('the scanner kept asking for a resend of a command', 'nak', nowMs, out);
      const message = `the scanner refused ${opcodeName(cmd.opcode)}: NAK ${nakCauseName(cause)}`;
      out.push({ type: 'error', kind: 'nak', message });
      return this.finish(err(message), nowMs, out);
    }
    if (cmd && p.opcode === cmd.expects)
      return this.finish(ok(p.opcode === SSI_OPCODE.CMD_ACK ? null : p), nowMs, out);
    switch (p.opcode) {
      case SSI_OPCODE.DECODE_DATA:
        return this.onDecodeData(p, startedAt, nowMs, out);
      case SSI_OPCODE.EVENT:
        out.push(this.ack(), { type: 'event', code: p.data[0] ?? 0 });
        return;
      case SSI_OPCODE.CMD_ACK:
      case SSI_OPCODE.CMD_NAK:
        out.push({
          type: 'error',
          kind: 'protocol',
          message: `an unexpected ${opcodeName(p.opcode)} (no command was waiting)`,
        });
        return;
      default:
        out.push({
          type: 'error',
          kind: 'protocol',
          message: `an unexpected ${opcodeName(p.opcode)} from the scanner`,
        });
        out.push({ type: 'send', bytes: hostPacket(SSI_OPCODE.CMD_NAK, Uint8Array.of(SSI_NAK.BAD_CONTEXT)) });
    }
  }

  private ack(): SsiHostOutput {
    return { type: 'send', bytes: hostPacket(SSI_OPCODE.CMD_ACK, new Uint8Array(0)) };
  }

  private onDecodeData(p: SsiPacket, startedAt: number, nowMs: number, out: SsiHostOutput[]): void {
    out.push(this.ack());
    const key = Uint8Array.of(p.status & ~SSI_STATUS.retransmit, ...p.data);
    if (
      p.status & SSI_STATUS.retransmit &&
      this.lastAccepted &&
      key.length === this.lastAccepted.length &&
      key.every((b, i) => b === this.lastAccepted![i])
    ) {
      return; // the decoder missed our ACK and sent it again
    }
    this.lastAccepted = key;
    if (p.data.length === 0) {
      out.push({ type: 'error', kind: 'framing', message: 'a DECODE_DATA packet without a bar code type' });
      return;
    }
    const type = p.data[0]!;
    if (!this.multi) this.multi = { type, data: new ByteAccumulator(), startedAt, lastAt: nowMs };
    if (this.multi.type !== type) {
      this.multi = null;
      out.push({
        type: 'error',
        kind: 'framing',
        message: 'the packets of one DECODE_DATA message name different bar code types',
      });
      return;
    }
    for (const b of p.data.subarray(1)) this.multi.data.push(b);
    this.multi.lastAt = nowMs;
    if (this.multi.data.length > MAX_FRAME_BYTES) {
      this.multi = null;
      out.push({
        type: 'error',
        kind: 'framing',
        message: `a DECODE_DATA message ran past ${MAX_FRAME_BYTES} bytes`,
      });
      return;
    }
    if (p.status & SSI_STATUS.continuation) return;
    const done = this.multi;
    this.multi = null;
    out.push({
      type: 'frame',
      bytes: done.data.take(),
      symbology: codeTypeName(done.type),
      startedAt: done.startedAt,
    });
  }
}
