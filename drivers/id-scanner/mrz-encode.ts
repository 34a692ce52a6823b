/**
 * Writes ICAO 9303 zones (TD1 9303-5, TD2 9303-6, TD3 9303-4) with correct check digits (9303-3 §4.9):
 * what an emulated scanner reads off a demo document, and the generator behind the parsers' round-trip
 * property tests. Input is already MRZ-ready (A-Z, digits, spaces); transliteration (9303-3 §6) is the
 * issuer's job, not a reader's.
 */
import { mrzCheckDigit } from './mrz-check-digit';

export interface MrzFields {
  readonly format: 'mrz-td1' | 'mrz-td2' | 'mrz-td3';
  /** `P`, `PK`, `I`, `ID`, `AC`, ... */
  readonly documentType: string;
  readonly issuingState: string;
  readonly documentNumber: string;
  readonly surname: string;
  readonly givenNames: string;
  readonly nationality: string;
  /** `YYYY-MM-DD`, or null for an unknown date (written as fillers). */
  readonly birthDate: string | null;
  readonly sex: 'M' | 'F' | 'X';
  readonly expiryDate: string | null;
  /** TD3 personal number / TD1, TD2 optional data (A-Z, 0-9). */
  readonly optionalData?: string;
}

function pad(text: string, width: number): string {
  if (text.length > width) throw new RangeError(`MRZ field longer than ${width} characters`);
  return text.padEnd(width, '<');
}

function mrzText(s: string): string {
  const t = s.toUpperCase().replace(/[ -]+/g, '<');
  if (!/^[A-Z0-9<]*$/.test(t)) throw new RangeError('MRZ text must be A-Z, 0-9, spaces or hyphens');
  return t;
}

function yymmdd(date: string | null): string {
  if (date === null) return '<<<<<<';
  const m = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError('dates are YYYY-MM-DD');
  return `${m[1]}${m[2]}${m[3]}`;
}

function withDigit(field: string): string {
  return field + String(mrzCheckDigit(field));
}

/** ICAO 9303-3 §4.6: primary identifier, `<<`, secondary identifier; truncated to the field width. */
function nameField(surname: string, givenNames: string, width: number): string {
  const primary = mrzText(surname.trim());
  const secondary = mrzText(givenNames.trim());
  const full = secondary === '' ? primary : `${primary}<<${secondary}`;
  return pad(full.slice(0, width), width);
}

/** TD1/TD2 document number field, its check digit and the optional data, with the long-number rule. */
function numberAndOptional(f: MrzFields, optionalWidth: number): { number: string; optional: string } {
  const number = mrzText(f.documentNumber);
  const optional = mrzText(f.optionalData ?? '');
  if (number.length <= 9)
    return { number: withDigit(pad(number, 9)), optional: pad(optional, optionalWidth) };
  if (f.format === 'mrz-td3') throw new RangeError('a passport number has at most 9 characters');
  // 9303-5/-6 §4.2.2 note j: 9 characters, a filler, then the rest and the check digit in the optional data.
  const rest = number.slice(9) + String(mrzCheckDigit(number));
  return { number: `${number.slice(0, 9)}<`, optional: pad(`${rest}<${optional}`, optionalWidth) };
}

/** The zone's lines (no line terminators). Throws RangeError on input that cannot be written. */
export function encodeMrz(f: MrzFields): string[] {
  const code = pad(mrzText(f.documentType), 2);
  const state = pad(mrzText(f.issuingState), 3);
  const nationality = pad(mrzText(f.nationality), 3);
  const sex = f.sex === 'X' ? '<' : f.sex;
  const birth = withDigit(yymmdd(f.birthDate));
  const expiry = withDigit(yymmdd(f.expiryDate));
  switch (f.format) {
    case 'mrz-td1': {
      const { number, optional } = numberAndOptional(f, 15);
      const line1 = `${code}${state}${number}${optional}`;
      const line2Body = `${birth}${sex}${expiry}${nationality}${pad('', 11)}`;
      const composite = mrzCheckDigit(
        line1.slice(5, 30) + line2Body.slice(0, 7) + line2Body.slice(8, 15) + line2Body.slice(18, 29),
      );
      return [line1, `${line2Body}${composite}`, nameField(f.surname, f.givenNames, 30)];
    }
    case 'mrz-td2': {
      const { number, optional } = numberAndOptional(f, 7);
      const body = `${number}${nationality}${birth}${sex}${expiry}${optional}`;
      const composite = mrzCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 35));
      return [`${code}${state}${nameField(f.surname, f.givenNames, 31)}`, `${body}${composite}`];
    }
    case 'mrz-td3': {
      const number = mrzText(f.documentNumber);
      if (number.length > 9) throw new RangeError('a passport number has at most 9 characters');
      const numberField = withDigit(pad(number, 9));
      const personal = pad(mrzText(f.optionalData ?? ''), 14);
      // 9303-4 §4.2.2.2: an empty personal number may take < as its check digit.
      const personalDigit = /^<+$/.test(personal) ? '<' : String(mrzCheckDigit(personal));
      const body = `${numberField}${nationality}${birth}${sex}${expiry}${personal}${personalDigit}`;
      const composite = mrzCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
      return [`${code}${state}${nameField(f.surname, f.givenNames, 39)}`, `${body}${composite}`];
    }
  }
}
