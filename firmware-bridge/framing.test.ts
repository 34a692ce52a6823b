/**
 * Serial framing against published examples: the newtmgr captures in mynewt-mcumgr `protocol.md`
 * §Example Packets (taskstats and image list, request and multi-frame response), the CRC-16/XMODEM
 * check value, and the splitting rules of Zephyr's `mcumgr_serial_tx_pkt` (serial_util.c) worked out
 * by hand for a few lengths.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../protocol/bytes';
import { crc16Xmodem } from './crc16';
import { FrameDecoder, type FrameEvent } from './frame-decoder';
import { MAX_FRAME_BYTES, encodeFrames, encodePacketForSerial } from './serial-framing';
import {
  IMAGE_LIST_REQUEST_FRAME_TEXT,
  IMAGE_LIST_REQUEST_PACKET,
  IMAGE_LIST_RESPONSE_FRAMES,
  IMAGE_LIST_RESPONSE_PACKET,
  TASKSTATS_REQUEST_FRAME_TEXT,
  TASKSTATS_REQUEST_PACKET,
  TASKSTATS_RESPONSE_FRAMES,
  TASKSTATS_RESPONSE_PACKET,
} from './testdata/mcumgr-doc-vectors';

const frame = (marker: readonly number[], text: string) => Uint8Array.from([...marker, ...utf8(text), 0x0a]);
const captured = (frames: readonly (readonly [number, number, string])[]) =>
  Uint8Array.from(frames.flatMap(([a, b, text]) => [...frame([a, b], text)]));
const packets = (events: FrameEvent[]) =>
  events.flatMap((e) => (e.kind === 'packet' ? [toHex(e.packet)] : []));
const errors = (events: FrameEvent[]) => events.flatMap((e) => (e.kind === 'error' ? [e.code] : []));

describe('CRC-16/XMODEM (Zephyr SMP Transport Specification §CRC Details)', () => {
  it('has the catalogue check value 0x31C3 over "123456789"', () => {
    expect(crc16Xmodem(utf8('123456789'))).toBe(0x31c3);
  });
  it('is zero over a packet followed by its own CRC, the test serial_util.c makes', () => {
    const p = utf8('any packet at all');
    const c = crc16Xmodem(p);
    expect(crc16Xmodem(Uint8Array.from([...p, c >> 8, c & 0xff]))).toBe(0);
  });
});

describe('encoder against the protocol.md requests', () => {
  it('writes the taskstats request exactly as newtmgr did: 06 09 "AAoAAAAAAAAAAiBC" 0a', () => {
    const frames = encodeFrames(fromHex(TASKSTATS_REQUEST_PACKET));
    expect(frames).toHaveLength(1);
    expect(toHex(frames[0]!)).toBe(toHex(frame([6, 9], TASKSTATS_REQUEST_FRAME_TEXT)));
  });
  it('writes the image list request exactly as newtmgr did: 06 09 "AAoAAAAAAAEAADcw" 0a', () => {
    expect(toHex(encodePacketForSerial(fromHex(IMAGE_LIST_REQUEST_PACKET)))).toBe(
      toHex(frame([6, 9], IMAGE_LIST_REQUEST_FRAME_TEXT)),
    );
  });
});

describe('decoder against the protocol.md captures', () => {
  it('reassembles the two-frame image list response into the dumped 131-byte packet', () => {
    const d = new FrameDecoder({ maxFrameBase64: 128 });
    const events = d.push(captured(IMAGE_LIST_RESPONSE_FRAMES));
    expect(packets(events)).toEqual([IMAGE_LIST_RESPONSE_PACKET]);
    expect(errors(events)).toEqual([]);
  });
  it('reassembles the five-frame taskstats response into the dumped 410-byte packet, after the stray CR', () => {
    // The capture shows "Reading [13]" before the response: a console byte outside any frame.
    const d = new FrameDecoder({ maxFrameBase64: 128 });
    const events = d.push(Uint8Array.from([0x0d, ...captured(TASKSTATS_RESPONSE_FRAMES)]));
    expect(packets(events)).toEqual([TASKSTATS_RESPONSE_PACKET]);
    expect(events[0]).toEqual({ kind: 'resync', skippedBytes: 1 });
  });
  it("refuses those 2016 frames under today's 127-byte limit (they hold 128 characters)", () => {
    const events = new FrameDecoder().push(captured(TASKSTATS_RESPONSE_FRAMES));
    expect(packets(events)).toEqual([]);
    expect(errors(events)[0]).toBe('frame-too-long');
  });
  it('decodes the requests it would itself send', () => {
    const d = new FrameDecoder();
    const events = d.push(
      Uint8Array.from([
        ...frame([6, 9], TASKSTATS_REQUEST_FRAME_TEXT),
        ...frame([6, 9], IMAGE_LIST_REQUEST_FRAME_TEXT),
      ]),
    );
    expect(packets(events)).toEqual([TASKSTATS_REQUEST_PACKET, IMAGE_LIST_REQUEST_PACKET]);
  });
});

describe("encoder splits as serial_util.c's mcumgr_serial_tx_pkt", () => {
  const packetOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
  it('200 bytes: 127 (len + 91), 123 (90), 31 (18 + 1 held with the CRC)', () => {
    expect(encodeFrames(packetOf(200)).map((f) => f.length)).toEqual([127, 123, 31]);
  });
  it('181 bytes: the byte before a CRC that would not fit waits for the next frame', () => {
    // After the first frame 90 bytes remain and max_input is 90: "reminder" is 0, so one byte is held
    // back (29 groups = 87 bytes), and the last frame carries 3 bytes then the CRC alone ("XXX=").
    const frames = encodeFrames(packetOf(181));
    expect(frames.map((f) => f.length)).toEqual([127, 119, 11]);
    expect(Buffer.from(frames[2]!.subarray(2, 10)).toString()).toMatch(/^[A-Za-z0-9+/]{7}=$/);
  });
  it('1 byte: one frame holding the length, the byte and the CRC', () => {
    const frames = encodeFrames(Uint8Array.of(0xa0));
    expect(frames).toHaveLength(1);
    const text = Buffer.from(frames[0]!.subarray(2, -1)).toString();
    const raw = Buffer.from(text, 'base64');
    expect(toHex(raw)).toBe('0003a0' + crc16Xmodem(Uint8Array.of(0xa0)).toString(16).padStart(4, '0'));
  });
  it('keeps every frame within 127 bytes, markers right, CRC only in the last frame', () => {
    for (let n = 1; n <= 700; n++) {
      const p = packetOf(n);
      const frames = encodeFrames(p);
      frames.forEach((f, i) => {
        expect(f.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
        expect([f[0], f[1]]).toEqual(i === 0 ? [6, 9] : [4, 20]);
        expect(f[f.length - 1]).toBe(0x0a);
        expect((f.length - 3) % 4).toBe(0);
      });
      const raw = frames.map((f) => Buffer.from(Buffer.from(f.subarray(2, -1)).toString(), 'base64'));
      expect(raw.at(-1)!.length).toBeGreaterThanOrEqual(2);
      expect(toHex(Uint8Array.from(Buffer.concat(raw)))).toBe(
        toHex(
          Uint8Array.from([(n + 2) >> 8, (n + 2) & 0xff, ...p, crc16Xmodem(p) >> 8, crc16Xmodem(p) & 0xff]),
        ),
      );
    }
  });
  it('refuses an empty packet as a bug', () => {
    expect(() => encodeFrames(new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('decoder refusals', () => {
  const p = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  it('refuses a packet whose CRC does not check', () => {
    const frames = encodeFrames(p);
    const last = frames.at(-1)!;
    const raw = Buffer.from(Buffer.from(last.subarray(2, -1)).toString(), 'base64');
    raw[raw.length - 1]! ^= 0x01;
    frames[frames.length - 1] = frame([4, 20], raw.toString('base64'));
    const events = new FrameDecoder().push(Uint8Array.from(frames.flatMap((f) => [...f])));
    expect(packets(events)).toEqual([]);
    expect(errors(events)).toEqual(['crc']);
  });
  it('refuses a declared length above the limit, and stays quiet about its continuations', () => {
    const events = new FrameDecoder({ maxPacketLength: 256 }).push(encodePacketForSerial(p));
    expect(errors(events)).toEqual(['length-too-large']);
    expect(events.find((e) => e.kind === 'error')).toMatchObject({
      message: 'declared packet of 300 bytes exceeds the limit of 256',
    });
  });
  it('refuses a declared length too small to hold the CRC', () => {
    expect(errors(new FrameDecoder().push(frame([6, 9], 'AAE=')))).toEqual(['length-too-small']);
  });
  it('refuses a continuation with no packet, bad base64, and a frame cut short by a new one', () => {
    const d = new FrameDecoder();
    expect(errors(d.push(frame([4, 20], 'AAAA')))).toEqual(['orphan-continuation']);
    expect(errors(d.push(frame([6, 9], 'AA*A')))).toEqual(['bad-base64']);
    expect(errors(d.push(frame([6, 9], 'AAA')))).toEqual(['bad-base64']);
    const cut = Uint8Array.from([6, 9, ...utf8('AAoA'), ...encodePacketForSerial(p)]);
    const events = d.push(cut);
    expect(errors(events)).toEqual(['frame-cut-short']);
    expect(packets(events)).toEqual([toHex(p)]);
  });
  it('reports a packet cut short when a new initial frame arrives mid-packet', () => {
    const first = encodeFrames(p)[0]!;
    const events = new FrameDecoder().push(Uint8Array.from([...first, ...encodePacketForSerial(p)]));
    expect(errors(events)).toEqual(['packet-cut-short']);
    expect(packets(events)).toEqual([toHex(p)]);
  });
  it('reports more bytes than declared as an overrun', () => {
    const frames = encodeFrames(Uint8Array.from({ length: 10 }, () => 1));
    const events = new FrameDecoder().push(
      Uint8Array.from([...frames[0]!.subarray(0, -5), 0x0a, ...frame([4, 20], 'AAAAAAAAAAAA')]),
    );
    expect(errors(events)).toEqual(['overrun']);
  });
  it('skips console noise before a frame and says how much', () => {
    const events = new FrameDecoder().push(
      Uint8Array.from([...utf8('uart:~$ \r\n'), ...encodePacketForSerial(p)]),
    );
    expect(events[0]).toEqual({ kind: 'resync', skippedBytes: 10 });
    expect(packets(events)).toEqual([toHex(p)]);
  });
});
