/**
 * Property tests for the serial framing (fast-check): every packet survives framing and reassembly in
 * any chunking; random and mutated byte streams (over 100,000 cases) never make the decoder throw, and
 * it always finds the next good packet afterwards; a changed base64 character never yields a packet.
 * Pure and in memory: no port, no timers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../protocol/bytes';
import { FrameDecoder, type FrameEvent } from './frame-decoder';
import { encodeFrames, encodePacketForSerial } from './serial-framing';

const packetArb = fc.uint8Array({ minLength: 1, maxLength: 1500 });

/** Feeds `bytes` cut at the given points, collecting every event. */
function feed(decoder: FrameDecoder, bytes: Uint8Array, cuts: readonly number[]): FrameEvent[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: FrameEvent[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(at, p)));
    at = p;
  }
  return events;
}

function wellFormed(events: readonly FrameEvent[], max: number): void {
  for (const e of events) {
    if (e.kind === 'packet') expect(e.packet.length).toBeLessThanOrEqual(max);
    else if (e.kind === 'resync') expect(e.skippedBytes).toBeGreaterThan(0);
    else expect(e.message.length).toBeGreaterThan(0);
  }
}

const mutationArb = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 20 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = [...input];
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    switch (m.op) {
      case 'flip':
        if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << m.bit);
        break;
      case 'delete':
        bytes.splice(at, m.length);
        break;
      case 'duplicate':
        bytes.splice(at, 0, ...bytes.slice(at, at + m.length));
        break;
      case 'insert':
        bytes.splice(at, 0, ...m.bytes);
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
    }
  }
  return Uint8Array.from(bytes);
}

describe('framing properties', () => {
  it('any packet round-trips through framing and reassembly, however the bytes are cut', () => {
    fc.assert(
      fc.property(packetArb, fc.array(fc.nat(), { maxLength: 12 }), (packet, cuts) => {
        const events = feed(new FrameDecoder(), encodePacketForSerial(packet), cuts);
        expect(events).toEqual([{ kind: 'packet', packet }]);
      }),
      { numRuns: 1500 },
    );
  });

  it('a stream of several packets comes back in order', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat()), (list, cuts) => {
        const stream = Uint8Array.from(list.flatMap((p) => [...encodePacketForSerial(p)]));
        const got = feed(new FrameDecoder(), stream, cuts).map((e) =>
          e.kind === 'packet' ? toHex(e.packet) : e.kind,
        );
        expect(got).toEqual(list.map(toHex));
      }),
      { numRuns: 300 },
    );
  });

  it('random byte streams never make the decoder throw (60,000 cases)', () => {
    const decoder = new FrameDecoder({ maxPacketLength: 2048 });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 160 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (bytes, fresh, cuts) => {
          // Half the cases continue from whatever state the previous stream left behind.
          if (fresh) decoder.reset();
          wellFormed(feed(decoder, bytes, cuts), 2048);
        },
      ),
      { numRuns: 60_000 },
    );
  });

  it('streams biased towards markers, base64 and newlines never make it throw (20,000 cases)', () => {
    const byte = fc.oneof(
      fc.constantFrom(0x06, 0x09, 0x04, 0x14, 0x0a, 0x3d),
      fc.constantFrom(...'AQgw+/09'.split('').map((c) => c.charCodeAt(0))),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), (bytes) => {
        wellFormed(new FrameDecoder({ maxPacketLength: 512 }).push(Uint8Array.from(bytes)), 512);
      }),
      { numRuns: 20_000 },
    );
  });

  it('mutated frame streams never make it throw, and the next good packet is always found (25,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (packet, mutations, cuts) => {
          const decoder = new FrameDecoder({ maxPacketLength: 1024 });
          wellFormed(feed(decoder, mutate(encodePacketForSerial(packet), mutations), cuts), 1024);
          const after = decoder.push(encodePacketForSerial(Uint8Array.of(0xa5, 0x5a)));
          expect(after.at(-1)).toEqual({ kind: 'packet', packet: Uint8Array.of(0xa5, 0x5a) });
        },
      ),
      { numRuns: 25_000 },
    );
  });

  it('changing one base64 character of any frame never yields a packet', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.nat(),
        fc.nat(),
        (packet, pick, replace) => {
          const frames = encodeFrames(packet);
          const f = frames[pick % frames.length]!;
          const at = 2 + (Math.floor(pick / frames.length) % (f.length - 3));
          if (f[at] === 0x3d) return; // padding stays padding: changing it is a base64 error, tested elsewhere
          const current = alphabet.indexOf(String.fromCharCode(f[at]!));
          const changed = Uint8Array.from(f);
          changed[at] = alphabet.charCodeAt((current + 1 + (replace % 63)) % 64);
          frames[frames.indexOf(f)] = changed;
          const events = new FrameDecoder().push(Uint8Array.from(frames.flatMap((x) => [...x])));
          expect(events.some((e) => e.kind === 'packet')).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('a bad CRC or an oversized length is refused with a clear error, whatever the packet', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 0xffff }),
        (packet, flip) => {
          const frames = encodeFrames(packet);
          const last = frames.length - 1;
          const raw = Buffer.from(Buffer.from(frames[last]!.subarray(2, -1)).toString(), 'base64');
          raw[raw.length - 2]! ^= flip >> 8;
          raw[raw.length - 1]! ^= flip & 0xff;
          frames[last] = Uint8Array.from([
            ...frames[last]!.subarray(0, 2),
            ...Buffer.from(raw.toString('base64')),
            0x0a,
          ]);
          const events = new FrameDecoder().push(Uint8Array.from(frames.flatMap((x) => [...x])));
          expect(events).toEqual([
            { kind: 'error', code: 'crc', message: 'a packet failed its CRC-16 check' },
          ]);
          const small = new FrameDecoder({ maxPacketLength: packet.length - 1 || 1 });
          if (packet.length > 1) {
            const e = small.push(encodePacketForSerial(packet));
            expect(e).toHaveLength(1);
            expect(e[0]).toMatchObject({ kind: 'error', code: 'length-too-large' });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
