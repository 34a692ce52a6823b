/**
 * The decoder (scanner) side of SSI, as a pure state machine, for the emulated reader: it answers
 * host commands the way the SSI Programmer's Guide describes (CMD_ACK, REPLY_REVISION, CMD_NAK
 * BAD_CONTEXT for what it does not know, CMD_NAK RESEND for a corrupted packet) and sends a decoded
 * document as DECODE_DATA, split into packets with the continuation bit when longer than one packet,
 * one packet at a time: each waits for the host's CMD_ACK, and is sent again with the retransmit bit
 * after a NAK RESEND or a timeout.
 *
 * `corruptNext` spoils the checksum of outgoing packets, for tests of the host's NAK/retransmit path.
 */
import {
  encodeSsiPacket,
  SSI_MAX_DATA,
  SSI_NAK,
  SSI_OPCODE,
  SSI_SOURCE,
  SSI_STATUS,
  SsiPacketDecoder,
  type SsiPacket,
} from '../framing/ssi-packet';

export type SsiDeviceOutput =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'error'; readonly message: string };

export interface SsiDeviceOptions {
  /** REPLY_REVISION text: S/W revision, board type, engine code, program checksum. */
  readonly revision?: string;
  readonly ackTimeoutMs?: number;
  readonly retries?: number;
}

/** Host commands answered with a plain CMD_ACK. */
const ACKED = new Set<number>([
  SSI_OPCODE.START_DECODE,
  SSI_OPCODE.STOP_DECODE,
  SSI_OPCODE.BEEP,
  SSI_OPCODE.LED_ON,
  SSI_OPCODE.LED_OFF,
  SSI_OPCODE.AIM_ON,
  SSI_OPCODE.AIM_OFF,
  SSI_OPCODE.PARAM_SEND,
  SSI_OPCODE.SLEEP,
]);

export class SsiDeviceSession {
  /** Decoders power up with scanning enabled; the host switches it as it needs. */
  enabled = true;
  private readonly host = new SsiPacketDecoder();
  private readonly revision: string;
  private readonly ackTimeout: number;
  private readonly retries: number;
  private readonly outbox: SsiPacket[] = [];
  private inFlight: { packet: SsiPacket; attempts: number; deadline: number } | null = null;
  private corrupt = 0;

  constructor(options: SsiDeviceOptions = {}) {
    this.revision = options.revision ?? 'EMU-SSI-1.0 F 0x55 0000';
    this.ackTimeout = options.ackTimeoutMs ?? 300;
    this.retries = options.retries ?? 3;
  }

  corruptNext(packets: number): void {
    this.corrupt += packets;
  }

  /** Queues a decoded bar code; false (nothing sent) while the host has scanning disabled. */
  present(
    payload: Uint8Array,
    codeType: number,
    nowMs: number,
  ): { accepted: boolean; out: SsiDeviceOutput[] } {
    if (!this.enabled) return { accepted: false, out: [] };
    const chunk = SSI_MAX_DATA - 1; // one byte of every packet is the bar code type
    for (let at = 0; at < payload.length || at === 0; at += chunk) {
      const last = at + chunk >= payload.length;
      const data = Uint8Array.of(codeType, ...payload.subarray(at, at + chunk));
      this.outbox.push({
        opcode: SSI_OPCODE.DECODE_DATA,
        source: SSI_SOURCE.decoder,
        status: last ? 0 : SSI_STATUS.continuation,
        data,
      });
      if (last) break;
    }
    const out: SsiDeviceOutput[] = [];
    this.sendNext(nowMs, out);
    return { accepted: true, out };
  }

  receive(bytes: Uint8Array, nowMs: number): SsiDeviceOutput[] {
    const out: SsiDeviceOutput[] = [];
    for (const o of this.host.feed(bytes, nowMs)) {
      if (o.type === 'error') {
        out.push({ type: 'error', message: o.message });
        if (o.kind === 'checksum') out.push(this.reply(SSI_OPCODE.CMD_NAK, Uint8Array.of(SSI_NAK.RESEND)));
        continue;
      }
      this.onPacket(o.packet, nowMs, out);
    }
    return out;
  }

  tick(nowMs: number): SsiDeviceOutput[] {
    const out: SsiDeviceOutput[] = [];
    this.host.tick(nowMs);
    if (this.inFlight && nowMs >= this.inFlight.deadline) this.resend(nowMs, out);
    return out;
  }

  nextDeadline(): number | null {
    const d = [this.host.nextDeadline(), this.inFlight?.deadline ?? null].filter(
      (x): x is number => x !== null,
    );
    return d.length ? Math.min(...d) : null;
  }

  private onPacket(p: SsiPacket, nowMs: number, out: SsiDeviceOutput[]): void {
    if (p.source !== SSI_SOURCE.host) return;
    switch (p.opcode) {
      case SSI_OPCODE.CMD_ACK:
        if (this.inFlight) {
          this.inFlight = null;
          this.sendNext(nowMs, out);
        }
        return;
      case SSI_OPCODE.CMD_NAK:
        if (!this.inFlight) return;
        if (p.data[0] === SSI_NAK.RESEND) return this.resend(nowMs, out);
        // Any other NAK: the host does not want this message; drop it whole.
        this.dropMessage();
        return this.sendNext(nowMs, out);
      case SSI_OPCODE.SCAN_ENABLE:
        this.enabled = true;
        out.push(this.reply(SSI_OPCODE.CMD_ACK));
        return;
      case SSI_OPCODE.SCAN_DISABLE:
        this.enabled = false;
        out.push(this.reply(SSI_OPCODE.CMD_ACK));
        return;
      case SSI_OPCODE.REQUEST_REVISION:
        out.push(this.reply(SSI_OPCODE.REPLY_REVISION, new TextEncoder().encode(this.revision)));
        return;
      default:
        out.push(
          ACKED.has(p.opcode)
            ? this.reply(SSI_OPCODE.CMD_ACK)
            : this.reply(SSI_OPCODE.CMD_NAK, Uint8Array.of(SSI_NAK.BAD_CONTEXT)),
        );
    }
  }

  private reply(opcode: number, data: Uint8Array = new Uint8Array(0)): SsiDeviceOutput {
    return { type: 'send', bytes: this.encode({ opcode, source: SSI_SOURCE.decoder, status: 0, data }) };
  }

  private encode(p: SsiPacket): Uint8Array {
    const bytes = encodeSsiPacket(p);
    if (this.corrupt > 0) {
      this.corrupt--;
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    }
    return bytes;
  }

  private sendNext(nowMs: number, out: SsiDeviceOutput[]): void {
    if (this.inFlight || this.outbox.length === 0) return;
    this.inFlight = { packet: this.outbox.shift()!, attempts: 1, deadline: nowMs + this.ackTimeout };
    out.push({ type: 'send', bytes: this.encode(this.inFlight.packet) });
  }

  private resend(nowMs: number, out: SsiDeviceOutput[]): void {
    const f = this.inFlight!;
    if (f.attempts > this.retries) {
      out.push({
        type: 'error',
        message: 'the host never acknowledged a DECODE_DATA packet; message dropped',
      });
      this.dropMessage();
      return this.sendNext(nowMs, out);
    }
    f.attempts++;
    f.deadline = nowMs + this.ackTimeout;
    out.push({
      type: 'send',
      bytes: this.encode({ ...f.packet, status: f.packet.status | SSI_STATUS.retransmit }),
    });
  }

  /** Drops the packet in flight and the rest of its multipacket message. */
  private dropMessage(): void {
    let continued = this.inFlight ? (this.inFlight.packet.status & SSI_STATUS.continuation) !== 0 : false;
    this.inFlight = null;
    while (continued && this.outbox.length > 0)
      continued = (this.outbox.shift()!.status & SSI_STATUS.continuation) !== 0;
  }
}
