import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../parse-document';
import type { DecoderOutput } from './frame-decoder';
import { encodeHidPosReports, HID_POS_LAYOUTS, HidPosDecoder } from './hid-pos';

const fixturePath = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
/** Recorded reports: one 64-byte report per line, hex (fixtures/README.md). */
const recorded = (name: string) =>
  readFileSync(fixturePath(name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => new Uint8Array(Buffer.from(l, 'hex')));
const va = new Uint8Array(readFileSync(fixturePath('us-va-v10-dl.aamva')));

function replay(decoder: HidPosDecoder, reports: readonly Uint8Array[]): DecoderOutput[] {
  return reports.flatMap((r, i) => decoder.feed(r, i * 8));
}

describe('HID POS report reassembly (recorded reports)', () => {
  it('reassembles the 6 data-first reports of an AAMVA payload into the exact payload', () => {
    const reports = recorded('hid-pos-us-va-v10.hex');
    expect(reports).toHaveLength(6);
    const out = replay(new HidPosDecoder(), reports);
    expect(out).toEqual([{ type: 'frame', bytes: va, symbology: ']L0', startedAt: 0 }]);
    const doc = parseDocument(out[0]!.type === 'frame' ? out[0]!.bytes : new Uint8Array(0));
    expect(doc.ok && doc.value.issuingState).toBe('USA-VA');
  });

  it('reassembles symbology-first reports of an MRZ', () => {
    const out = replay(
      new HidPosDecoder({ layout: HID_POS_LAYOUTS['symbology-first'] }),
      recorded('hid-pos-td3-symbology-first.hex'),
    );
    expect(out).toHaveLength(1);
    const frame = out[0]!;
    expect(frame.type === 'frame' && frame.symbology).toBe(']o0');
    const doc = parseDocument(frame.type === 'frame' ? frame.bytes : new Uint8Array(0), {
      now: new Date('2026-01-01'),
    });
    expect(doc.ok && doc.value).toMatchObject({
      format: 'mrz-td3',
      documentNumber: 'L898902C3',
      valid: true,
    });
  });

  it('matches the encoder the emulator uses, report for report', () => {
    expect(encodeHidPosReports(va, ']L0').map((r) => Buffer.from(r).toString('hex').slice(0, 122))).toEqual(
      recorded('hid-pos-us-va-v10.hex').map((r) => Buffer.from(r).toString('hex').slice(0, 122)),
    );
  });

  it('reports a message whose last report never comes, then reads the next one', () => {
    const reports = recorded('hid-pos-us-va-v10.hex');
    const d = new HidPosDecoder({ interReportTimeoutMs: 100 });
    expect(d.feed(reports[0]!, 0)).toEqual([]);
    expect(d.tick(100)).toEqual([
      { type: 'error', kind: 'framing', message: 'a HID POS message stopped before its last report' },
    ]);
    expect(replay(d, reports)).toHaveLength(1);
  });

  it('refuses impossible reports and ignores other report ids', () => {
    const d = new HidPosDecoder();
    const bad = new Uint8Array(64);
    bad[0] = 2;
    bad[1] = 57;
    expect(d.feed(bad, 0)).toEqual([
      { type: 'error', kind: 'framing', message: 'a HID POS report claims 57 data bytes; at most 56 fit' },
    ]);
    expect(d.feed(Uint8Array.of(2, 1, 65), 0)).toEqual([
      { type: 'error', kind: 'framing', message: 'a HID POS report of 3 bytes; 64 expected' },
    ]);
    const other = new Uint8Array(64);
    other[0] = 4;
    expect(d.feed(other, 0)).toEqual([]);
  });
});
