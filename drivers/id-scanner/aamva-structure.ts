/**
 * The AAMVA DL/ID Card Design Standard PDF417 file structure (Annex D, "Mandatory PDF417 bar code":
 * header, subfile designators, subfiles, data elements), read byte by byte through the header and the
 * designators' offsets and lengths: nothing is found by searching the text.
 *
 * Header (D.12.3): compliance indicator `@` (0x40), data element separator LF (0x0A), record separator
 * RS (0x1E), segment terminator CR (0x0D), file type `ANSI `, 6-digit IIN, 2-digit AAMVA version, then
 * from version 02 a 2-digit jurisdiction version, then the 2-digit number of entries. Version 01
 * (AAMVA DL/ID-2000) has no jurisdiction version, so its header is 19 bytes, later ones 21.
 * Each designator (D.12.4) is 10 bytes: subfile type (`DL`, `ID`, or a jurisdiction's `Z?`), 4-digit
 * offset from the start of the file to the subfile's first byte, 4-digit length in bytes, counting the
 * subfile type and the segment terminator. A subfile is its type, then data elements, each a 3-letter
 * id and a value, separated by LF, the last one ended by CR.
 *
 * Messages name bytes, offsets and element ids, never element values (DESIGN §8).
 */
import { err, ok, type Result } from '../../protocol/result';
import { refusal, type DocumentRefusal } from './id-document';

export const AAMVA_COMPLIANCE = 0x40;
export const AAMVA_ELEMENT_SEPARATOR = 0x0a;
export const AAMVA_RECORD_SEPARATOR = 0x1e;
export const AAMVA_SEGMENT_TERMINATOR = 0x0d;
export const AAMVA_FILE_TYPE = 'ANSI ';
/** The newest version this parser knows (10 = AAMVA DL/ID Card Design Standard 2020). */
export const AAMVA_MAX_VERSION = 10;

export interface AamvaHeader {
  readonly iin: string;
  readonly version: number;
  /** null for version 01, whose header has no such field. */
  readonly jurisdictionVersion: number | null;
  readonly entries: number;
  /** Bytes before the first designator. */
  readonly length: number;
}

export interface AamvaSubfile {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  /** Element id -> value with trailing spaces removed (fixed-length fields are space padded). */
  readonly elements: ReadonlyMap<string, string>;
}

export interface AamvaFile {
  readonly header: AamvaHeader;
  readonly subfiles: readonly AamvaSubfile[];
}

const hex = (b: number | undefined) =>
  b === undefined ? 'end of data' : `0x${b.toString(16).padStart(2, '0')}`;
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));
const isDigits = (s: string, n: number) => s.length === n && /^[0-9]+$/.test(s);

/**
 * Reads the header. `Result.ok(null)` means the bytes so far are a valid beginning but too short (a
 * framing decoder keeps reading); an error means the bytes cannot be an AAMVA file.
 */
export function readAamvaHeader(bytes: Uint8Array): Result<AamvaHeader | null, DocumentRefusal> {
  const fixed: [number, number, string][] = [
    [0, AAMVA_COMPLIANCE, 'compliance indicator (@)'],
    [1, AAMVA_ELEMENT_SEPARATOR, 'data element separator (LF)'],
    [2, AAMVA_RECORD_SEPARATOR, 'record separator (RS)'],
    [3, AAMVA_SEGMENT_TERMINATOR, 'segment terminator (CR)'],
  ];
  for (const [at, want, name] of fixed) {
    if (bytes.length <= at) return ok(null);
    if (bytes[at] !== want) {
      return err(
        refusal(
          'aamva-header',
          `header byte ${at} must be the ${name} ${hex(want)}, found ${hex(bytes[at])}`,
        ),
      );
    }
  }
  for (let i = 0; i < AAMVA_FILE_TYPE.length; i++) {
    if (bytes.length <= 4 + i) return ok(null);
    if (bytes[4 + i] !== AAMVA_FILE_TYPE.charCodeAt(i)) {
      // "AAMVA" here marks the pre-2000 (version 00) layout, which this parser does not read.
      return err(
        refusal('aamva-header', 'file type at bytes 4-8 must be "ANSI " (AAMVA DL/ID-2000 or later)'),
      );
    }
  }
  if (bytes.length < 17) return ok(null);
  const iin = ascii(bytes, 9, 15);
  if (!isDigits(iin, 6))
    return err(refusal('aamva-header', 'issuer identification number (bytes 9-14) must be 6 digits'));
  const versionText = ascii(bytes, 15, 17);
  if (!isDigits(versionText, 2))
    return err(refusal('aamva-header', 'AAMVA version (bytes 15-16) must be 2 digits'));
  const version = Number(versionText);
  if (version === 0)
    return err(refusal('unsupported', 'AAMVA version 00 (before DL/ID-2000) is not supported'));
  if (version > AAMVA_MAX_VERSION) {
    return err(
      refusal('unsupported', `AAMVA version ${version} is newer than the versions this reader knows (1-10)`),
    );
  }
  const length = version === 1 ? 19 : 21;
  if (bytes.length < length) return ok(null);
  let jurisdictionVersion: number | null = null;
  if (version >= 2) {
    const jv = ascii(bytes, 17, 19);
    if (!isDigits(jv, 2))
      return err(refusal('aamva-header', 'jurisdiction version (bytes 17-18) must be 2 digits'));
    jurisdictionVersion = Number(jv);
  }
  const entriesText = ascii(bytes, length - 2, length);
  if (!isDigits(entriesText, 2) || Number(entriesText) === 0) {
    return err(
      refusal('aamva-header', `number of entries (bytes ${length - 2}-${length - 1}) must be 01-99`),
    );
  }
  return ok({ iin, version, jurisdictionVersion, entries: Number(entriesText), length });
}

interface Designator {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
}

/** Reads the subfile designators; ok(null) when the bytes end before the last one. */
export function readAamvaDesignators(
  bytes: Uint8Array,
  header: AamvaHeader,
): Result<readonly Designator[] | null, DocumentRefusal> {
  const out: Designator[] = [];
  for (let i = 0; i < header.entries; i++) {
    const at = header.length + 10 * i;
    if (bytes.length < at + 10) return ok(null);
    const type = ascii(bytes, at, at + 2);
    const offset = ascii(bytes, at + 2, at + 6);
    const length = ascii(bytes, at + 6, at + 10);
    if (!/^[A-Z][A-Z0-9]$/.test(type)) {
      return err(refusal('aamva-header', `subfile designator ${i + 1} (byte ${at}) has no subfile type`));
    }
    if (!isDigits(offset, 4) || !isDigits(length, 4)) {
      return err(
        refusal(
          'aamva-header',
          `subfile designator ${i + 1} (${type}) offset and length must be 4 digits each`,
        ),
      );
    }
    out.push({ type, offset: Number(offset), length: Number(length) });
  }
  return ok(out);
}

/**
 * The total length the header declares (end of the last subfile), for framings that carry no length
 * of their own; ok(null) while the header and designators are incomplete.
 */
export function aamvaDeclaredLength(prefix: Uint8Array): Result<number | null, DocumentRefusal> {
  const header = readAamvaHeader(prefix);
  if (!header.ok || header.value === null) return header as Result<null, DocumentRefusal>;
  const designators = readAamvaDesignators(prefix, header.value);
  if (!designators.ok || designators.value === null) return designators as Result<null, DocumentRefusal>;
  return ok(Math.max(...designators.value.map((d) => d.offset + d.length)));
}

function readElements(bytes: Uint8Array, d: Designator): Result<Map<string, string>, DocumentRefusal> {
  const where = `subfile ${d.type} (offset ${d.offset}, length ${d.length})`;
  if (ascii(bytes, d.offset, d.offset + 2) !== d.type) {
    return err(refusal('aamva-subfile', `${where} does not begin with its type at the declared offset`));
  }
  if (bytes[d.offset + d.length - 1] !== AAMVA_SEGMENT_TERMINATOR) {
    return err(
      refusal(
        'aamva-subfile',
        `${where} does not end with the segment terminator (CR) at its declared length`,
      ),
    );
  }
  const body = bytes.subarray(d.offset + 2, d.offset + d.length - 1);
  const elements = new Map<string, string>();
  let start = 0;
  let index = 0;
  while (start <= body.length) {
    let end = body.indexOf(AAMVA_ELEMENT_SEPARATOR, start);
    if (end < 0) end = body.length;
    const raw = body.subarray(start, end);
    // Tolerated: a separator straight after the subfile type (some issuers write `DL\nDAQ...`) or
    // straight before the segment terminator; an empty element anywhere else is refused.
    if (!(raw.length === 0 && (index === 0 || end === body.length))) {
      const element = readElement(raw, where, index);
      if (!element.ok) return element;
      if (elements.has(element.value[0])) {
        return err(refusal('aamva-element', `${where} has element ${element.value[0]} twice`));
      }
      elements.set(element.value[0], element.value[1]);
    }
    index++;
    start = end + 1;
  }
  return ok(elements);
}

function readElement(
  raw: Uint8Array,
  where: string,
  index: number,
): Result<[string, string], DocumentRefusal> {
  const id = ascii(raw, 0, 3);
  if (raw.length < 3 || !/^[A-Z]{3}$/.test(id)) {
    return err(
      refusal(
        'aamva-element',
        `${where}: data element ${index + 1} does not start with a 3-letter element id`,
      ),
    );
  }
  for (let i = 3; i < raw.length; i++) {
    const b = raw[i]!;
    if (b < 0x20 || b > 0x7e) {
      return err(
        refusal('aamva-element', `${where}: element ${id} has a control or non-ASCII byte ${hex(b)}`),
      );
    }
  }
  return ok([id, ascii(raw, 3, raw.length).replace(/ +$/, '')]);
}

/** Reads a whole AAMVA file: header, designators, every subfile by its offset and length. */
export function readAamvaFile(bytes: Uint8Array): Result<AamvaFile, DocumentRefusal> {
  const header = readAamvaHeader(bytes);
  if (!header.ok) return header;
  if (header.value === null)
    return err(refusal('aamva-header', `the data ends inside the header (${bytes.length} bytes)`));
  const designators = readAamvaDesignators(bytes, header.value);
  if (!designators.ok) return designators;
  if (designators.value === null) {
    return err(
      refusal('aamva-header', `the data ends inside the subfile designators (${bytes.length} bytes)`),
    );
  }
  const directoryEnd = header.value.length + 10 * header.value.entries;
  const sorted = [...designators.value].sort((a, b) => a.offset - b.offset);
  let covered = directoryEnd;
  for (const d of sorted) {
    if (d.length < 3)
      return err(
        refusal('aamva-subfile', `subfile ${d.type} declares length ${d.length}; at least 3 needed`),
      );
    if (d.offset < covered) {
      return err(
        refusal(
          'aamva-subfile',
          `subfile ${d.type} offset ${d.offset} overlaps the directory or another subfile`,
        ),
      );
    }
    if (d.offset + d.length > bytes.length) {
      return err(
        refusal(
          'aamva-subfile',
          `subfile ${d.type} (offset ${d.offset}, length ${d.length}) runs past the end of the data (${bytes.length} bytes)`,
        ),
      );
    }
    const gap = bytes.subarray(covered, d.offset);
    if (gap.some((b) => b !== 0x0a && b !== 0x0d && b !== 0x20)) {
      return err(refusal('aamva-subfile', `bytes ${covered}-${d.offset - 1} belong to no subfile`));
    }
    covered = d.offset + d.length;
  }
  // After the last subfile only a reader's line ending may follow.
  if (bytes.subarray(covered).some((b) => b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x00)) {
    return err(refusal('aamva-subfile', `bytes after offset ${covered - 1} belong to no subfile`));
  }
  const subfiles: AamvaSubfile[] = [];
  for (const d of designators.value) {
    const elements = readElements(bytes, d);
    if (!elements.ok) return elements;
    subfiles.push({ ...d, elements: elements.value });
  }
  return ok({ header: header.value, subfiles });
}
