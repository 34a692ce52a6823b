/**
 * SMP over a serial console: the frame decoder, a pure state machine fed bytes (DESIGN §7).
 *
 * It accepts what Zephyr's `mcumgr_serial_process_frag` accepts (serial_util.c) and what older Mynewt
 * newtmgr peers send (one base64 stream cut into 124-character frames, mynewt-mcumgr
 * `transport/smp-console.md`): frames between a marker and `\n`, base64 decoded frame by frame, the
 * first two bytes of an initial frame giving the total length, the packet complete when that many bytes
 * arrived and its CRC-16/XMODEM (carried in the last two bytes) checks.
 *
 * Unlike the device, which may share its UART with a shell, the host sees only this protocol, but the
 * line can still carry noise (a console banner, a reset glitch, half a frame after a replug). Bytes
 * outside frames are skipped until the next marker and reported as one `resync` event per run, so the
 * stream always recovers at the next initial frame. Every refusal (bad CRC, bad base64, oversized
 * length, a frame longer than 127 bytes, a continuation with no packet) is an `error` event naming what
 * was wrong; nothing throws, and each byte is looked at once, so no input can crash or stall it.
 */
import { crc16Xmodem } from './crc16';
import { FRAME_CONTINUE, FRAME_START, MAX_FRAME_BASE64, MAX_SERIAL_PACKET } from './serial-framing';

export type FramingErrorCode =
  | 'crc'
  | 'bad-base64'
  | 'frame-too-long'
  | 'frame-cut-short'
  | 'length-too-large'
  | 'length-too-small'
  | 'orphan-continuation'
  | 'overrun'
  | 'packet-cut-short';

export type FrameEvent =
  | { readonly kind: 'packet'; readonly packet: Uint8Array }
  | { readonly kind: 'error'; readonly code: FramingErrorCode; readonly message: string }
  | { readonly kind: 'resync'; readonly skippedBytes: number };

export interface FrameDecoderOptions {
  /** Largest packet (without CRC) accepted; longer declared lengths are refused at the first frame. */
  readonly maxPacketLength?: number;
  /**
   * Most base64 characters in one frame: 124 by default (a 127-byte frame, DESIGN §7). Only replaying
   * captures of 2016 newtmgr peers, which wrote 128, needs more.
   */
  readonly maxFrameBase64?: number;
}

const NEWLINE = 0x0a;

/** 0..63 for the base64 alphabet, 64 for '=', 255 for anything else. */
const B64 = (() => {
  const t = new Uint8Array(256).fill(255);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  t['='.charCodeAt(0)] = 64;
  return t;
})();

export class FrameDecoder {
  readonly maxPacketLength: number;
  readonly maxFrameBase64: number;
  private state: 'hunt' | 'frame' = 'hunt';
  /** In hunt: the previous byte when it could begin a marker, else -1. */
  private markerByte = -1;
  private skipped = 0;
  private frameIsFirst = false;
  private readonly text: Uint8Array;
  private textLength = 0;
  /** The packet being reassembled (packet ‖ CRC), its expected and received lengths. */
  private packet: Uint8Array | null = null;
  private received = 0;
  /** After an oversized or broken initial frame, its continuations are dropped without more errors. */
  private discarding = false;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxPacketLength ?? MAX_SERIAL_PACKET;
    if (!Number.isInteger(max) || max < 1 || max > MAX_SERIAL_PACKET)
      throw new RangeError(`maxPacketLength must be 1..${MAX_SERIAL_PACKET}`);
    this.maxPacketLength = max;
    const frame = options.maxFrameBase64 ?? MAX_FRAME_BASE64;
    if (!Number.isInteger(frame) || frame < 4 || frame % 4 !== 0 || frame > 4096)
      throw new RangeError('maxFrameBase64 must be a multiple of 4 from 4 to 4096');
    this.maxFrameBase64 = frame;
    this.text = new Uint8Array(frame);
  }

  /** Feeds bytes; returns what they completed, in order. */
  push(bytes: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (let i = 0; i < bytes.length; i++) this.step(bytes[i]!, events);
    return events;
  }

  /** Forgets any partial frame or packet (after the link was closed and opened again). */
  reset(): void {
    this.state = 'hunt';
    this.markerByte = -1;
    this.skipped = 0;
    this.textLength = 0;
    this.packet = null;
    this.received = 0;
    this.discarding = false;
  }

  private step(b: number, events: FrameEvent[]): void {
    if (this.state === 'frame') {
      if (b === NEWLINE) {
        this.state = 'hunt';
        this.endFrame(events);
        return;
      }
      if (B64[b] === 255) {
        this.state = 'hunt';
        this.dropPacket();
        if (b === FRAME_START[0] || b === FRAME_CONTINUE[0])
          events.push(error('frame-cut-short', 'a frame ended without its newline: a new frame began'));
        else events.push(error('bad-base64', `byte 0x${hex2(b)} inside a frame is not base64`));
        this.hunt(b, events);
        return;
      }
      if (this.textLength === this.maxFrameBase64) {
        this.state = 'hunt';
        this.dropPacket();
        events.push(
          error(
            'frame-too-long',
            `a frame holds more than ${this.maxFrameBase64} base64 characters (MCUMGR_SERIAL_MAX_FRAME)`,
          ),
        );
        this.skipped = 1;
        return;
      }
      this.text[this.textLength++] = b;
      return;
    }
    this.hunt(b, events);
  }

  private hunt(b: number, events: FrameEvent[]): void {
    const first = this.markerByte;
    if (
      (first === FRAME_START[0] && b === FRAME_START[1]) ||
      (first === FRAME_CONTINUE[0] && b === FRAME_CONTINUE[1])
    ) {
      if (this.skipped > 0) events.push({ kind: 'resync', skippedBytes: this.skipped });
      this.skipped = 0;
      this.markerByte = -1;
      this.state = 'frame';
      this.frameIsFirst = first === FRAME_START[0];
      this.textLength = 0;
      return;
    }
    if (first !== -1) this.skipped++;
    if (b === FRAME_START[0] || b === FRAME_CONTINUE[0]) this.markerByte = b;
    else {
      this.markerByte = -1;
      this.skipped++;
    }
  }

  private endFrame(events: FrameEvent[]): void {
    const data = decodeBase64(this.text, this.textLength);
    if (data === null) {
      this.dropPacket();
      events.push(error('bad-base64', 'a frame is not base64 in whole 4-character groups'));
      return;
    }
    let body = data;
    if (this.frameIsFirst) {
      if (this.packet !== null)
        events.push(
          error('packet-cut-short', 'a packet ended early: a new packet began before it was complete'),
        );
      this.dropPacket();
      if (data.length < 2) {
        this.discarding = true;
        events.push(error('length-too-small', 'an initial frame is too short to hold the length field'));
        return;
      }
      const total = (data[0]! << 8) | data[1]!;
      if (total < 2) {
        this.discarding = true;
        events.push(error('length-too-small', `declared length ${total} cannot hold the 2-byte CRC`));
        return;
      }
      if (total - 2 > this.maxPacketLength) {
        this.discarding = true;
        events.push(
          error(
            'length-too-large',
            `declared packet of ${total - 2} bytes exceeds the limit of ${this.maxPacketLength}`,
          ),
        );
        return;
      }
      this.packet = new Uint8Array(total);
      this.received = 0;
      body = data.subarray(2);
    } else if (this.packet === null) {
      if (!this.discarding)
        events.push(error('orphan-continuation', 'a continuation frame arrived with no packet in progress'));
      return;
    }
    const packet = this.packet;
    if (this.received + body.length > packet.length) {
      this.dropPacket();
      events.push(error('overrun', `a packet carried more bytes than its declared length ${packet.length}`));
      return;
    }
    packet.set(body, this.received);
    this.received += body.length;
    if (this.received < packet.length) return;
    this.packet = null;
    if (crc16Xmodem(packet) !== 0) {
      events.push(error('crc', 'a packet failed its CRC-16 check'));
      return;
    }
    events.push({ kind: 'packet', packet: packet.subarray(0, packet.length - 2) });
  }

  private dropPacket(): void {
    this.packet = null;
    this.received = 0;
    this.discarding = false;
  }
}

function error(code: FramingErrorCode, message: string): FrameEvent {
  return { kind: 'error', code, message };
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Strict base64 of whole groups, '=' only at the end (RFC 4648 §4); null when malformed. */
function decodeBase64(text: Uint8Array, length: number): Uint8Array | null {
  if (length % 4 !== 0) return null;
  let pad = 0;
  if (length > 0 && text[length - 1] === 0x3d) pad = text[length - 2] === 0x3d ? 2 : 1;
  const out = new Uint8Array((length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < length; i += 4) {
    const a = B64[text[i]!]!;
    const b = B64[text[i + 1]!]!;
    const c = B64[text[i + 2]!]!;
    const d = B64[text[i + 3]!]!;
    const lastGroup = i + 4 === length;
    if (a > 63 || b > 63) return null;
    if (c === 64) {
      if (!lastGroup || d !== 64 || (b & 0x0f) !== 0) return null;
      out[o++] = (a << 2) | (b >> 4);
      continue;
    }
    if (c > 63) return null;
    if (d === 64) {
      if (!lastGroup || (c & 0x03) !== 0) return null;
      out[o++] = (a << 2) | (b >> 4);
      out[o++] = ((b & 0x0f) << 4) | (c >> 2);
      continue;
    }
    if (d > 63) return null;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    out[o++] = ((c & 0x03) << 6) | d;
  }
  return out;
}
