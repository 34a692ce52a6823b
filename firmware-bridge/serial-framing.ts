/**
 * SMP over a serial console: the frame encoder (DESIGN §7).
 *
 * The format is the one of Zephyr's `subsys/mgmt/mcumgr/transport/src/serial_util.c`
 * (`mcumgr_serial_tx_pkt`) and the Zephyr "SMP Transport Specification" §UART/serial and console:
 * a packet is sent as one initial frame (`0x06 0x09`) and zero or more continuation frames
 * (`0x04 0x14`), each ended by `\n` and at most 127 bytes long (`MCUMGR_SERIAL_MAX_FRAME`). The bytes
 * between marker and newline are base64 in whole 4-character groups of: the big-endian u16 total
 * length (packet length + 2, initial frame only), the packet, and its CRC-16/XMODEM, big-endian, in the
 * last frame only.
 *
 * This encoder splits packets exactly as `mcumgr_serial_tx_pkt` does, so a capture of our frames is
 * byte-for-byte what a Zephyr device would send: 93 raw bytes fit a frame ((127 − 3) / 4 × 3); the
 * initial frame's first group carries the length and the first packet byte; `max_input` loses those 3
 * bytes for the rest of the packet (serial_util.c never restores it, so continuation frames carry at
 * most 90 bytes); and the CRC is never split across frames (one packet byte is held back to travel with
 * it when it would not fit).
 */
import { crc16Xmodem } from './crc16';

/** Initial-frame marker, `MCUMGR_SERIAL_HDR_PKT` (zephyr/mgmt/mcumgr/transport/serial.h). */
export const FRAME_START = [0x06, 0x09] as const;
/** Continuation-frame marker, `MCUMGR_SERIAL_HDR_FRAG`. */
export const FRAME_CONTINUE = [0x04, 0x14] as const;
/** `MCUMGR_SERIAL_MAX_FRAME`: the whole frame, marker and newline included. */
export const MAX_FRAME_BYTES = 127;
/** Base64 characters a frame can hold: 127 − 2 (marker) − 1 (newline), in whole 4-character groups. */
export const MAX_FRAME_BASE64 = ((MAX_FRAME_BYTES - 3) >> 2) * 4;
/** The u16 length field counts the packet and its 2-byte CRC, so a packet holds at most this many bytes. */
export const MAX_SERIAL_PACKET = 0xffff - 2;

const NEWLINE = 0x0a;

/** Splits one SMP packet into serial frames (each a complete line: marker, base64, `\n`). */
export function encodeFrames(packet: Uint8Array): Uint8Array[] {
  if (packet.length === 0) throw new RangeError('an SMP packet has at least its 8-byte header');
  if (packet.length > MAX_SERIAL_PACKET)
    throw new RangeError(`packet of ${packet.length} bytes exceeds the serial length field`);
  const crc = crc16Xmodem(packet);
  const frames: Uint8Array[] = [];
  let maxInput = ((MAX_FRAME_BYTES - 3) >> 2) * 3;
  let offset = 0;
  let first = true;
  while (offset < packet.length) {
    const start = offset;
    if (first) {
      offset = 1; // the first group is the length field and packet[0]
      maxInput -= 3;
    }
    const remaining = packet.length - offset;
    let toProcess = Math.min(maxInput, remaining);
    const spare = maxInput - remaining;
    if (spare === 0 || spare === 1) toProcess -= 1; // the CRC would not fit: hold a byte back for it
    const last = spare >= 2;
    offset = last ? packet.length : offset + toProcess - (toProcess % 3);
    const raw = new Uint8Array((first ? 2 : 0) + (offset - start) + (last ? 2 : 0));
    let at = 0;
    if (first) {
      raw[at++] = (packet.length + 2) >> 8;
      raw[at++] = (packet.length + 2) & 0xff;
    }
    raw.set(packet.subarray(start, offset), at);
    if (last) {
      raw[raw.length - 2] = crc >> 8;
      raw[raw.length - 1] = crc & 0xff;
    }
    frames.push(frameOf(first ? FRAME_START : FRAME_CONTINUE, raw));
    first = false;
  }
  return frames;
}

/** All frames of a packet as one byte string, ready to write to a port. */
export function encodePacketForSerial(packet: Uint8Array): Uint8Array {
  const frames = encodeFrames(packet);
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

function frameOf(marker: readonly [number, number], raw: Uint8Array): Uint8Array {
  // mcumgr_serial_tx_small encodes each 3-byte group on its own; since only a frame's last group can be
  // short, encoding the frame's bytes in one go gives the same characters.
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  const frame = new Uint8Array(2 + text.length + 1);
  frame[0] = marker[0];
  frame[1] = marker[1];
  frame.set(Buffer.from(text, 'latin1'), 2);
  frame[frame.length - 1] = NEWLINE;
  return frame;
}
