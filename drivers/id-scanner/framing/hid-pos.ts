/**
 * HID POS bar code scanner input reports (USB HID Point of Sale Usage Tables, usage page 0x8C), as the
 * common handheld readers send them: fixed 64-byte input reports with report ID 2, a length byte (the
 * valid data bytes in this report), the data, the AIM symbology identifier (e.g. `]L0` = PDF417,
 * `]o`... = OCR) and a flags byte whose bit 0 says more data follows in the next report. A document
 * longer than one report's capacity (56 bytes) spans several reports; they are reassembled here until
 * the report with the flag clear.
 *
 * Vendors place the fields in one of two orders (both documented in their manuals):
 * - `data-first`:      [2][len][56 data][3 AIM id][1 vendor code id][1 reserved][flags]
 * - `symbology-first`: [2][len][3 AIM id][56 data][1 further id][1 reserved][flags]
 */
import { ByteAccumulator, MAX_FRAME_BYTES, type DecoderOutput, type FrameDecoder } from './frame-decoder';

export interface HidPosLayout {
  readonly name: 'data-first' | 'symbology-first';
  readonly reportId: number;
  readonly reportLength: number;
  readonly lengthAt: number;
  readonly dataAt: number;
  readonly dataCapacity: number;
  readonly symbologyAt: number;
  readonly symbologyLength: number;
  readonly flagsAt: number;
  readonly moreDataMask: number;
}

export const HID_POS_LAYOUTS: Readonly<Record<HidPosLayout['name'], HidPosLayout>> = {
  'data-first': {
    name: 'data-first',
    reportId: 0x02,
    reportLength: 64,
    lengthAt: 1,
    dataAt: 2,
    dataCapacity: 56,
    symbologyAt: 58,
    symbologyLength: 3,
    flagsAt: 63,
    moreDataMask: 0x01,
  },
  'symbology-first': {
    name: 'symbology-first',
    reportId: 0x02,
    reportLength: 64,
    lengthAt: 1,
    dataAt: 5,
    dataCapacity: 56,
    symbologyAt: 2,
    symbologyLength: 3,
    flagsAt: 63,
    moreDataMask: 0x01,
  },
};

export interface HidPosDecoderOptions {
  readonly layout?: HidPosLayout;
  /** Silence that abandons a document whose last report never came (default 500 ms). */
  readonly interReportTimeoutMs?: number;
}

function symbologyText(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.filter((b) => b >= 0x20 && b <= 0x7e));
}

export class HidPosDecoder implements FrameDecoder {
  readonly layout: HidPosLayout;
  private readonly timeout: number;
  private readonly data = new ByteAccumulator();
  private symbology: string | null = null;
  private startedAt = 0;
  private lastAt = 0;

  constructor(options: HidPosDecoderOptions = {}) {
    this.layout = options.layout ?? HID_POS_LAYOUTS['data-first'];
    this.timeout = options.interReportTimeoutMs ?? 500;
  }

  /** One input report per call (node-hid delivers whole reports, report ID first). */
  feed(report: Uint8Array, nowMs: number): DecoderOutput[] {
    const L = this.layout;
    this.lastAt = nowMs;
    if (report.length === 0 || report[0] !== L.reportId) return []; // other reports (status, output echo)
    if (report.length <= L.flagsAt) {
      this.reset();
      return [
        {
          type: 'error',
          kind: 'framing',
          message: `a HID POS report of ${report.length} bytes; ${L.reportLength} expected`,
        },
      ];
    }
    const length = report[L.lengthAt]!;
    if (length > L.dataCapacity) {
      this.reset();
      return [
        {
          type: 'error',
          kind: 'framing',
          message: `a HID POS report claims ${length} data bytes; at most ${L.dataCapacity} fit`,
        },
      ];
    }
    const symbology = symbologyText(report.subarray(L.symbologyAt, L.symbologyAt + L.symbologyLength));
    if (this.data.length === 0 && this.symbology === null) {
      this.startedAt = nowMs;
      this.symbology = symbology;
    } else if (symbology !== this.symbology) {
      this.reset();
      return [
        {
          type: 'error',
          kind: 'framing',
          message: 'the reports of one HID POS message name different symbologies',
        },
      ];
    }
    for (const b of report.subarray(L.dataAt, L.dataAt + length)) this.data.push(b);
    if (this.data.length > MAX_FRAME_BYTES) {
      this.reset();
      return [
        { type: 'error', kind: 'framing', message: `a HID POS message ran past ${MAX_FRAME_BYTES} bytes` },
      ];
    }
    if (report[L.flagsAt]! & L.moreDataMask) return [];
    const frame: DecoderOutput = {
      type: 'frame',
      bytes: this.data.take(),
      symbology: this.symbology === '' ? null : this.symbology,
      startedAt: this.startedAt,
    };
    this.reset();
    if (frame.bytes.length === 0)
      return [{ type: 'error', kind: 'framing', message: 'a HID POS message with no data' }];
    return [frame];
  }

  tick(nowMs: number): DecoderOutput[] {
    if (this.symbology === null || nowMs - this.lastAt < this.timeout) return [];
    this.reset();
    return [{ type: 'error', kind: 'framing', message: 'a HID POS message stopped before its last report' }];
  }

  nextDeadline(): number | null {
    return this.symbology === null ? null : this.lastAt + this.timeout;
  }

  private reset(): void {
    this.data.clear();
    this.symbology = null;
  }
}

/** The reports a reader sends for `payload` (used by the emulator and the recorded fixtures). */
export function encodeHidPosReports(
  payload: Uint8Array,
  aimId: string,
  layout = HID_POS_LAYOUTS['data-first'],
): Uint8Array[] {
  if (!/^[\x20-\x7e]{0,3}$/.test(aimId))
    throw new RangeError('an AIM symbology identifier is up to 3 printable characters');
  const reports: Uint8Array[] = [];
  for (let at = 0; at < payload.length || reports.length === 0; at += layout.dataCapacity) {
    const chunk = payload.subarray(at, at + layout.dataCapacity);
    const r = new Uint8Array(layout.reportLength);
    r[0] = layout.reportId;
    r[layout.lengthAt] = chunk.length;
    r.set(chunk, layout.dataAt);
    r.set(
      Uint8Array.from(aimId, (c) => c.charCodeAt(0)),
      layout.symbologyAt,
    );
    if (at + layout.dataCapacity < payload.length) r[layout.flagsAt] = layout.moreDataMask;
    reports.push(r);
  }
  return reports;
}
