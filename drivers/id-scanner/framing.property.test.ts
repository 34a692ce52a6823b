/**
 * Property tests for every framing decoder (issue 4, "Bad input"): random bytes at random times never
 * make a decoder throw or hang (after a quiet period nothing is left pending), every error says what
 * was wrong, a valid stream decodes to the same documents however it is cut into chunks, and after any
 * garbage and a quiet line the next valid document is read exactly (resynchronisation).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, type DecoderOutput } from './framing/frame-decoder';
import { encodeHidPosReports, HidPosDecoder } from './framing/hid-pos';
import { LineDecoder } from './framing/line-decoder';
import { SsiHostSession } from './framing/ssi-host';
import {
  encodeSsiPacket,
  SSI_MAX_DATA,
  SSI_OCR_B,
  SSI_OPCODE,
  SSI_PDF417,
  SSI_STATUS,
} from './framing/ssi-packet';
import { ETX, STX, StxEtxDecoder } from './framing/stx-etx-decoder';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const documents = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.mrz') || f.endsWith('.aamva'))
  .map((f) => new Uint8Array(readFileSync(new URL(f, FIXTURES))));
const text = (b: Uint8Array) => String.fromCharCode(...b);
const isAamva = (doc: Uint8Array) => doc[0] === 0x40;
/** An MRZ fixture's lines (without line ends). */
const mrzLines = (doc: Uint8Array) =>
  text(doc)
    .split(/\r\n|\r|\n/)
    .filter((l) => l !== '');

type Out = { kind: 'frame'; text: string } | { kind: 'error'; message: string };

/** One framing under test: how to build its decoder, write a document, and what frame to expect. */
interface Framing {
  readonly name: string;
  /** Units are byte chunks, or whole HID reports (which cannot be cut). */
  readonly units: 'bytes' | 'reports';
  make(): { feed(unit: Uint8Array, t: number): Out[]; tick(t: number): Out[]; nextDeadline(): number | null };
  write(doc: Uint8Array): Uint8Array[];
  expected(doc: Uint8Array): string;
}

const fromDecoder = (out: readonly DecoderOutput[]): Out[] =>
  out.map((o) =>
    o.type === 'frame' ? { kind: 'frame', text: text(o.bytes) } : { kind: 'error', message: o.message },
  );

function ssiPackets(doc: Uint8Array): Uint8Array {
  const type = isAamva(doc) ? SSI_PDF417 : SSI_OCR_B;
  const chunk = SSI_MAX_DATA - 1;
  const packets: number[] = [];
  for (let at = 0; at < doc.length; at += chunk) {
    const last = at + chunk >= doc.length;
    const data = Uint8Array.of(type, ...doc.subarray(at, at + chunk));
    packets.push(
      ...encodeSsiPacket({
        opcode: SSI_OPCODE.DECODE_DATA,
        source: 0,
        status: last ? 0 : SSI_STATUS.continuation,
        data,
      }),
    );
  }
  return Uint8Array.from(packets);
}

const FRAMINGS: readonly Framing[] = [
  {
    name: 'lines',
    units: 'bytes',
    make: () => {
      const d = new LineDecoder();
      return {
        feed: (u, t) => fromDecoder(d.feed(u, t)),
        tick: (t) => fromDecoder(d.tick(t)),
        nextDeadline: () => d.nextDeadline(),
      };
    },
    write: (doc) => [
      isAamva(doc)
        ? Uint8Array.from([...doc, 0x0d, 0x0a])
        : new TextEncoder().encode(
            mrzLines(doc)
              .map((l) => `${l}\r\n`)
              .join(''),
          ),
    ],
    expected: (doc) => (isAamva(doc) ? text(doc) : mrzLines(doc).join('\n')),
  },
  {
    name: 'stx-etx with block check',
    units: 'bytes',
    make: () => {
      const d = new StxEtxDecoder({ blockCheck: 'xor' });
      return {
        feed: (u, t) => fromDecoder(d.feed(u, t)),
        tick: (t) => fromDecoder(d.tick(t)),
        nextDeadline: () => d.nextDeadline(),
      };
    },
    write: (doc) => [
      Uint8Array.from([STX, ...doc, ETX, [...doc, ETX].reduce((x, b) => x ^ b, 0), 0x0d, 0x0a]),
    ],
    expected: (doc) => text(doc),
  },
  {
    name: 'ssi',
    units: 'bytes',
    make: () => {
      const s = new SsiHostSession();
      const keep = (out: ReturnType<SsiHostSession['receive']>): Out[] =>
        out.flatMap((o): Out[] =>
          o.type === 'frame'
            ? [{ kind: 'frame', text: text(o.bytes) }]
            : o.type === 'error'
              ? [{ kind: 'error', message: o.message }]
              : [],
        );
      return {
        feed: (u, t) => keep(s.receive(u, t)),
        tick: (t) => keep(s.tick(t)),
        nextDeadline: () => s.nextDeadline(),
      };
    },
    write: (doc) => [ssiPackets(doc)],
    expected: (doc) => text(doc),
  },
  {
    name: 'hid-pos',
    units: 'reports',
    make: () => {
      const d = new HidPosDecoder();
      return {
        feed: (u, t) => fromDecoder(d.feed(u, t)),
        tick: (t) => fromDecoder(d.tick(t)),
        nextDeadline: () => d.nextDeadline(),
      };
    },
    write: (doc) => encodeHidPosReports(doc, isAamva(doc) ? ']L0' : ']o0'),
    expected: (doc) => text(doc),
  },
];

/** Cuts byte units at the given points; reports stay whole. */
function cut(f: Framing, units: readonly Uint8Array[], points: readonly number[]): Uint8Array[] {
  if (f.units === 'reports') return [...units];
  const all = Uint8Array.from(units.flatMap((u) => [...u]));
  const at = [...new Set(points.map((p) => p % (all.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, all.length]) {
    if (p > prev) out.push(all.subarray(prev, p));
    prev = Math.max(prev, p);
  }
  return out;
}

/** Random input: byte chunks, or reports that are sometimes shaped like HID POS reports. */
function garbage(f: Framing): fc.Arbitrary<Uint8Array[]> {
  if (f.units === 'bytes') return fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 });
  const report = fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 80 })).map(([pos, r]) => {
    if (pos && r.length > 0) r[0] = 0x02;
    return r;
  });
  return fc.array(report, { maxLength: 12 });
}

function checkOutputs(out: readonly Out[]): void {
  for (const o of out) {
    if (o.kind === 'error') expect(o.message.length).toBeGreaterThan(10);
    else expect(o.text.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  }
}

describe.each(FRAMINGS)('$name framing', (f) => {
  it('random input at random times: no throw, errors say why, nothing left pending after a quiet line', () => {
    fc.assert(
      fc.property(
        garbage(f),
        fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 12, maxLength: 12 }),
        (units, steps) => {
          const d = f.make();
          let t = 0;
          const out: Out[] = [];
          units.forEach((u, i) => {
            t += steps[i]!;
            out.push(...d.tick(t), ...d.feed(u, t));
          });
          out.push(...d.tick(t + 10_000));
          checkOutputs(out);
          expect(d.nextDeadline()).toBeNull();
        },
      ),
      { numRuns: 7_500 },
    );
  });

  it('valid documents decode the same however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...documents), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 64, maxLength: 64 }),
        (docs, points, steps) => {
          const d = f.make();
          let t = 0;
          const out: Out[] = [];
          cut(
            f,
            docs.flatMap((doc) => f.write(doc)),
            points,
          ).forEach((u, i) => {
            t += steps[i % steps.length]!;
            out.push(...d.feed(u, t));
          });
          out.push(...d.tick(t + 10_000));
          expect(out).toEqual(docs.map((doc) => ({ kind: 'frame', text: f.expected(doc) })));
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('after any garbage and a quiet line, the next document is read exactly', () => {
    fc.assert(
      fc.property(
        garbage(f),
        fc.constantFrom(...documents),
        fc.array(fc.nat(), { maxLength: 10 }),
        (junk, doc, points) => {
          const d = f.make();
          junk.forEach((u, i) => d.feed(u, i));
          checkOutputs(d.tick(20_000));
          expect(d.nextDeadline()).toBeNull();
          const out = cut(f, f.write(doc), points).flatMap((u, i) => d.feed(u, 20_001 + i));
          expect(out).toEqual([{ kind: 'frame', text: f.expected(doc) }]);
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
