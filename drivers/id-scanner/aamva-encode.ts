/**
 * Writes AAMVA DL/ID PDF417 payloads (Annex D file structure, see aamva-structure.ts) with computed
 * subfile offsets and lengths: the demo documents an emulated scanner presents, the test fixtures, and
 * the generator behind the parser's property tests. `encodeAamvaCard` follows each version's element
 * conventions (the same ones aamva-parse.ts reads; see there).
 */
import { concatBytes } from '../../protocol/bytes';

export interface AamvaSubfileSpec {
  /** `DL`, `ID`, or a jurisdiction subfile `Z?`. */
  readonly type: string;
  /** Element id and value, in order. */
  readonly elements: readonly (readonly [string, string])[];
}

export interface AamvaFileSpec {
  readonly iin: string;
  readonly version: number;
  /** Ignored for version 1, whose header has none. */
  readonly jurisdictionVersion?: number;
  readonly subfiles: readonly AamvaSubfileSpec[];
}

const two = (n: number) => String(n).padStart(2, '0');
const four = (n: number) => {
  if (n > 9999) throw new RangeError('AAMVA offsets and lengths have 4 digits');
  return String(n).padStart(4, '0');
};
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Header, designators and subfiles; offsets count from the `@`. */
export function encodeAamvaFile(spec: AamvaFileSpec): Uint8Array {
  if (!/^\d{6}$/.test(spec.iin)) throw new RangeError('IIN is 6 digits');
  if (spec.version < 1 || spec.version > 99) throw new RangeError('AAMVA version is 1-99');
  const header =
    `@\n\x1e\rANSI ${spec.iin}${two(spec.version)}` +
    (spec.version >= 2 ? two(spec.jurisdictionVersion ?? 0) : '') +
    two(spec.subfiles.length);
  const bodies = spec.subfiles.map(
    (s) => `${s.type}${s.elements.map(([id, v]) => `${id}${v}`).join('\n')}\r`,
  );
  let offset = header.length + 10 * spec.subfiles.length;
  const designators = spec.subfiles.map((s, i) => {
    const d = `${s.type}${four(offset)}${four(bodies[i]!.length)}`;
    offset += bodies[i]!.length;
    return d;
  });
  return concatBytes(latin1(header + designators.join('')), latin1(bodies.join('')));
}

export interface AamvaCard {
  readonly version: number;
  readonly iin: string;
  readonly country: 'USA' | 'CAN';
  readonly jurisdiction: string;
  readonly documentType: 'DL' | 'ID';
  readonly documentNumber: string;
  readonly surname: string;
  readonly firstName: string;
  /** Middle names, written `,`-separated where the version allows. */
  readonly middleNames?: readonly string[];
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly expiryDate: string;
  readonly issueDate?: string;
  readonly sex: 'M' | 'F' | 'X';
  /** Elements written after the standard ones (e.g. DAG street, DAK postal code). */
  readonly extra?: readonly (readonly [string, string])[];
  /** A jurisdiction subfile after the card subfile. */
  readonly jurisdictionSubfile?: AamvaSubfileSpec;
}

function dateField(date: string, order: 'MMDDCCYY' | 'CCYYMMDD'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError('dates are YYYY-MM-DD');
  return order === 'MMDDCCYY' ? `${m[2]}${m[3]}${m[1]}` : `${m[1]}${m[2]}${m[3]}`;
}

/** A card payload written the way its version lays out names, dates and country. */
export function encodeAamvaCard(card: AamvaCard): Uint8Array {
  const order = card.version === 1 || card.country === 'CAN' ? 'CCYYMMDD' : 'MMDDCCYY';
  const middle = card.middleNames ?? [];
  const sex = { M: '1', F: '2', X: '9' }[card.sex];
  const el: (readonly [string, string])[] = [['DAQ', card.documentNumber]];
  if (card.version === 1) {
    // DL/ID-2000 has one middle name slot: LAST,FIRST,MIDDLE.
    el.push(['DAA', [card.surname, card.firstName, ...(middle.length ? [middle.join(' ')] : [])].join(',')]);
  } else if (card.version <= 3) {
    el.push(['DCS', card.surname], ['DCT', [card.firstName, ...middle].join(',')]);
  } else {
    el.push(
      ['DCS', card.surname],
      ['DAC', card.firstName],
      ['DAD', middle.length ? middle.join(',') : 'NONE'],
    );
  }
  el.push(['DBB', dateField(card.birthDate, order)], ['DBA', dateField(card.expiryDate, order)]);
  if (card.issueDate !== undefined) el.push(['DBD', dateField(card.issueDate, order)]);
  el.push(['DBC', sex], ['DAJ', card.jurisdiction]);
  if (card.version >= 2) el.push(['DCG', card.country]);
  el.push(...(card.extra ?? []));
  const subfiles: AamvaSubfileSpec[] = [{ type: card.documentType, elements: el }];
  if (card.jurisdictionSubfile) subfiles.push(card.jurisdictionSubfile);
  return encodeAamvaFile({ iin: card.iin, version: card.version, jurisdictionVersion: 1, subfiles });
}
