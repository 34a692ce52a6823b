import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecoderOutput } from './frame-decoder';
import { LineDecoder } from './line-decoder';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);
const frames = (out: DecoderOutput[]) => out.flatMap((o) => (o.type === 'frame' ? [text(o.bytes)] : []));
const errors = (out: DecoderOutput[]) => out.flatMap((o) => (o.type === 'error' ? [o.message] : []));

const TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

describe('LineDecoder', () => {
  it('groups the 3 lines of a TD1 and the 2 of a TD3 into one frame each, whatever the line ending', () => {
    const d = new LineDecoder();
    const out = [
      ...d.feed(bytes(`${TD1[0]}\r\n${TD1[1]}\r\n`), 0),
      ...d.feed(bytes(`${TD1[2]}\r\n`), 10),
      ...d.feed(bytes(`${TD3[0]}\r${TD3[1]}\n`), 20),
    ];
    expect(frames(out)).toEqual([TD1.join('\n'), TD3.join('\n')]);
    expect(d.nextDeadline()).toBeNull();
  });

  it('hands on an incomplete MRZ when the inter-line timeout passes (the parser says what is missing)', () => {
    const d = new LineDecoder({ interLineTimeoutMs: 300 });
    expect(d.feed(bytes(`${TD1[0]}\r\n${TD1[1]}\r\n`), 0)).toEqual([]);
    expect(d.nextDeadline()).toBe(300);
    expect(d.tick(299)).toEqual([]);
    expect(frames(d.tick(300))).toEqual([`${TD1[0]}\n${TD1[1]}`]);
  });

  it('starts a new group when a line of another MRZ width arrives', () => {
    const d = new LineDecoder();
    const out = d.feed(bytes(`${TD1[0]}\n${TD3[0]}\n${TD3[1]}\n`), 0);
    expect(frames(out)).toEqual([TD1[0], TD3.join('\n')]);
  });

  it('reads an AAMVA payload (which contains CR and LF) by its declared length, then the suffix', () => {
    const va = fixture('us-va-v10-dl.aamva');
    const d = new LineDecoder();
    const out: DecoderOutput[] = [];
    // One byte at a time, as a slow line would deliver it.
    for (const b of [...va, 0x0d, 0x0a]) out.push(...d.feed(Uint8Array.of(b), 5));
    out.push(...d.feed(bytes('NEXT LINE\r\n'), 6));
    expect(frames(out)).toEqual([text(va), 'NEXT LINE']);
    expect(errors(out)).toEqual([]);
  });

  it('reports a broken AAMVA header, then resynchronises after a quiet line', () => {
    const d = new LineDecoder({ interByteTimeoutMs: 100 });
    const out = d.feed(bytes('@\nXANSI junk\r\nmore junk\r\n'), 0);
    expect(errors(out)).toEqual([
      'AAMVA header: header byte 2 must be the record separator (RS) 0x1e, found 0x58',
    ]);
    expect(d.feed(bytes('dropped\r\n'), 50)).toEqual([]);
    expect(d.tick(150)).toEqual([]);
    expect(frames(d.feed(bytes(`${TD3[0]}\r\n${TD3[1]}\r\n`), 200))).toEqual([TD3.join('\n')]);
  });

  it('reports an AAMVA payload cut short by the inter-byte timeout', () => {
    const va = fixture('us-va-v10-dl.aamva');
    const d = new LineDecoder({ interByteTimeoutMs: 100 });
    expect(d.feed(va.subarray(0, 200), 0)).toEqual([]);
    expect(errors(d.tick(100))).toEqual([
      `an AAMVA payload stopped after 200 bytes, before ${va.length} declared bytes arrived`,
    ]);
  });

  it("ends an unterminated line after the inter-byte timeout, and bounds a line's length", () => {
    const d = new LineDecoder({ interByteTimeoutMs: 100, maxFrameBytes: 16 });
    d.feed(bytes('NO SUFFIX'), 0);
    expect(frames(d.tick(100))).toEqual(['NO SUFFIX']);
    expect(errors(d.feed(bytes('x'.repeat(20)), 200))).toEqual([
      'a line ran past 16 bytes without a line break',
    ]);
  });
});
