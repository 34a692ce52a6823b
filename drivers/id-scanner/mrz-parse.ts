/**
 * ICAO 9303 machine readable zones (TD1: 9303-5, TD2: 9303-6, TD3: 9303-4) to an IdDocument.
 *
 * The `mrz` library (CONVENTIONS: prefer a well-kept library) reads the fields; this module wraps its
 * result into our type and does not trust it blindly:
 * - the shape and alphabet are checked first, so the library only ever sees a well-formed zone;
 * - every check digit is recomputed from the raw positions per ICAO 9303-3 §4.9 (mrz-check-digit.ts),
 *   and those verdicts are the ones reported (tests assert the library agrees);
 * - its error texts echo field values, so they are never passed on: refusals name the field only;
 * - it refuses state codes outside its table (e.g. `UTO`, the ICAO specimen state), so issuing state
 *   and nationality are taken from the raw positions and checked for form; which nationalities may
 *   vote is the election package's business (DESIGN §4 `qualifications`), not a table here.
 */
import { parse as parseWithLibrary, type Details, type ParseResult } from 'mrz';
import { err, ok, type Result } from '../../protocol/result';
import { calendarDayOf, parseMrzDate, type CalendarDay } from './document-dates';
import { refusal, type DocumentRefusal, type IdDocument, type Sex } from './id-document';
import { mrzCheckHolds } from './mrz-check-digit';

export interface MrzParseOptions {
  /** "Today" for the century of two-digit years (DESIGN §10); defaults to the current date. */
  readonly now?: Date;
}

type MrzFormat = 'mrz-td1' | 'mrz-td2' | 'mrz-td3';

const SHAPES: Readonly<Record<MrzFormat, { lines: number; width: number; library: string }>> = {
  'mrz-td1': { lines: 3, width: 30, library: 'TD1' },
  'mrz-td2': { lines: 2, width: 36, library: 'TD2' },
  'mrz-td3': { lines: 2, width: 44, library: 'TD3' },
};

/** Splits scanner text into MRZ lines: CR, LF or CRLF end a line; trailing spaces and blank lines go. */
export function splitMrzLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/[ \t]+$/, ''))
    .filter((l) => l !== '');
}

/** The MRZ format these lines have the shape of, or null. */
export function mrzShapeOf(lines: readonly string[]): MrzFormat | null {
  for (const [format, shape] of Object.entries(SHAPES) as [MrzFormat, (typeof SHAPES)[MrzFormat]][]) {
    if (lines.length === shape.lines && lines.every((l) => l.length === shape.width)) return format;
  }
  return null;
}

function describeShape(lines: readonly string[]): string {
  const lengths = lines.map((l) => l.length).join(', ');
  return `found ${lines.length} line${lines.length === 1 ? '' : 's'}${lines.length ? ` of ${lengths} characters` : ''}`;
}

const MRZ_LINE = /^[A-Z0-9<]+$/;

/** Parses MRZ text (2 or 3 lines). Refuses with a reason; a failed check digit is reported, not refused. */
export function parseMrz(text: string, options: MrzParseOptions = {}): Result<IdDocument, DocumentRefusal> {
  const lines = splitMrzLines(text);
  const badLine = lines.findIndex((l) => !MRZ_LINE.test(l));
  if (badLine >= 0) {
    return err(
      refusal(
        'mrz-shape',
        `MRZ line ${badLine + 1} has characters outside A-Z, 0-9 and < (ICAO 9303-3 §4.4)`,
      ),
    );
  }
  const format = mrzShapeOf(lines);
  if (format === null) {
    return err(
      refusal(
        'mrz-shape',
        `an MRZ has 3 lines of 30 (TD1), 2 of 36 (TD2) or 2 of 44 (TD3) characters; ${describeShape(lines)}`,
      ),
    );
  }
  let library: ParseResult;
  try {
    library = parseWithLibrary(lines);
  } catch {
    return err(refusal('mrz-shape', `the ${SHAPES[format].library} zone could not be read`));
  }
  if (library.format !== SHAPES[format].library) {
    // The library reads 36-character zones with digits at 31-35 as the pre-2021 French identity card,
    // which is not an ICAO 9303 format.
    return err(refusal('unsupported', `this ${format} zone is a national (non-ICAO 9303) format`));
  }
  return buildDocument(format, lines, library, calendarDayOf(options.now ?? new Date()));
}

function field(details: readonly Details[], name: string): Details | undefined {
  return details.find((d) => d.field === name);
}

function buildDocument(
  format: MrzFormat,
  lines: readonly string[],
  library: ParseResult,
  today: CalendarDay,
): Result<IdDocument, DocumentRefusal> {
  const l1 = lines[0]!;
  const l2 = lines[1]!;
  const code = documentCode(format, l1);
  if (!code.ok) return code;
  const issuingState = stateCode(l1.slice(2, 5), 'issuing state', 'line 1, positions 3-5');
  if (!issuingState.ok) return issuingState;
  const positions = POSITIONS[format];
  const nationality = stateCode(
    lines[positions.nationality.line]!.slice(positions.nationality.start, positions.nationality.start + 3),
    'nationality',
    positions.nationality.label,
  );
  if (!nationality.ok) return nationality;
  const number = documentNumber(format, l1, l2);
  if (!number.ok) return number;
  const names = holderNames(format, lines, library.details);
  if (!names.ok) return names;
  const birth = parseMrzDate(l2.slice(positions.birth, positions.birth + 6), 'birth', today);
  if (!birth.ok) return err(refusal('mrz-field', `birth date ${birth.error} (ICAO 9303-3 §4.7)`));
  const expiry = parseMrzDate(l2.slice(positions.expiry, positions.expiry + 6), 'expiry', today);
  if (!expiry.ok) return err(refusal('mrz-field', `expiry date ${expiry.error} (ICAO 9303-3 §4.7)`));
  const sex = sexOf(l2[positions.sex]!);
  if (sex === null) return err(refusal('mrz-field', 'sex must be M, F, X or < (ICAO 9303-4 §4.2.2)'));
  const checks = mrzChecks(format, lines);
  return ok({
    format,
    documentType: code.value,
    issuingState: issuingState.value,
    documentNumber: number.value,
    surname: names.value.surname,
    givenNames: names.value.givenNames,
    nationality: nationality.value,
    birthDate: birth.value.known ? birth.value.date : null,
    sex,
    expiryDate: expiry.value.known ? expiry.value.date : null,
    valid: Object.values(checks).every(Boolean),
    checks,
  });
}

/** Zero-based positions of the second-line fields (ICAO 9303-4/-5/-6 §4.2.2 tables). */
const POSITIONS: Readonly<
  Record<
    MrzFormat,
    {
      birth: number;
      sex: number;
      expiry: number;
      nationality: { line: number; start: number; label: string };
    }
  >
> = {
  'mrz-td1': {
    birth: 0,
    sex: 7,
    expiry: 8,
    nationality: { line: 1, start: 15, label: 'line 2, positions 16-18' },
  },
  'mrz-td2': {
    birth: 13,
    sex: 20,
    expiry: 21,
    nationality: { line: 1, start: 10, label: 'line 2, positions 11-13' },
  },
  'mrz-td3': {
    birth: 13,
    sex: 20,
    expiry: 21,
    nationality: { line: 1, start: 10, label: 'line 2, positions 11-13' },
  },
};

function documentCode(format: MrzFormat, l1: string): Result<string, DocumentRefusal> {
  const first = l1[0]!;
  if (format === 'mrz-td3' && first !== 'P') {
    // TD3-size zones starting with V are visas (9303-7), which identify no voter.
    return err(
      refusal('mrz-field', 'a TD3 zone must be a passport: its document code starts with P (ICAO 9303-4)'),
    );
  }
  if (format !== 'mrz-td3' && !['A', 'C', 'I'].includes(first)) {
    return err(
      refusal(
        'mrz-field',
        `a ${format} document code starts with A, C or I (ICAO 9303-5/-6 §4.2.2; V = visa)`,
      ),
    );
  }
  if (l1[1] === 'V') return err(refusal('mrz-field', 'the second document code character may not be V'));
  return ok(l1.slice(0, 2).replace(/<+$/, ''));
}

function stateCode(raw: string, name: string, where: string): Result<string, DocumentRefusal> {
  // ICAO 9303-3 §5: alpha-3 codes, shorter codes (D) padded with fillers.
  if (!/^[A-Z]{1,3}<*$/.test(raw)) return err(refusal('mrz-field', `${name} (${where}) is not a state code`));
  return ok(raw.replace(/<+$/, ''));
}

function sexOf(c: string): Sex | null {
  if (c === 'M' || c === 'F') return c;
  if (c === '<' || c === 'X') return 'X';
  return null;
}

/**
 * The document number and where its check digit sits. TD1 and TD2 allow numbers longer than 9
 * characters: position 15 (TD1) or 10 (TD2) then holds a filler, and the rest of the number and its
 * check digit open the optional data (ICAO 9303-5 §4.2.2 note j; 9303-6 §4.2.2 note j).
 */
function numberParts(format: MrzFormat, l1: string, l2: string) {
  const [principal, digit, optional] =
    format === 'mrz-td1'
      ? [l1.slice(5, 14), l1[14]!, l1.slice(15, 30)]
      : [l2.slice(0, 9), l2[9]!, l2.slice(28, 35)];
  // The extension is at least one more character and the check digit, then a filler.
  if (format !== 'mrz-td3' && digit === '<' && /^[A-Z0-9]{2,}</.test(optional)) {
    const tail = optional.split('<')[0]!;
    return { principal, rest: tail.slice(0, -1), digit: tail.slice(-1), extended: true };
  }
  return { principal, rest: '', digit, extended: false };
}

function documentNumber(format: MrzFormat, l1: string, l2: string): Result<string, DocumentRefusal> {
  const parts = numberParts(format, l1, l2);
  const number = parts.principal.replace(/<+$/, '') + parts.rest;
  if (number === '' || number.includes('<')) {
    return err(refusal('mrz-field', 'document number is empty or has a filler inside it'));
  }
  return ok(number);
}

function holderNames(
  format: MrzFormat,
  lines: readonly string[],
  details: readonly Details[],
): Result<{ surname: string; givenNames: string }, DocumentRefusal> {
  const last = field(details, 'lastName');
  const first = field(details, 'firstName');
  if (!last?.valid || !first?.valid || last.value === null || last.value === '') {
    return err(
      refusal('mrz-field', 'name field is not a primary identifier, <<, then given names (ICAO 9303-3 §4.6)'),
    );
  }
  const raw = format === 'mrz-td1' ? lines[2]! : lines[0]!.slice(5);
  // With no `<<` the whole field is the primary identifier (9303-3 §4.6.4): the library would repeat
  // it as given names.
  const givenNames = raw.includes('<<') ? (first.value ?? '') : '';
  return ok({ surname: last.value.trim(), givenNames: givenNames.trim().replace(/ +/g, ' ') });
}

/** Each check digit's verdict, recomputed from the raw zone (ICAO 9303-3 §4.9). */
export function mrzChecks(format: MrzFormat, lines: readonly string[]): Record<string, boolean> {
  const l1 = lines[0]!;
  const l2 = lines[1]!;
  const n = numberParts(format, l1, l2);
  // The check digit of a long number covers the whole number; issuers differ on whether the filler
  // at position 15/10 is part of it, so either reading is accepted (as the mrz library does).
  const documentNumber = n.extended
    ? mrzCheckHolds(n.principal + n.rest, n.digit) || mrzCheckHolds(`${n.principal}<${n.rest}`, n.digit)
    : mrzCheckHolds(n.principal, n.digit);
  if (format === 'mrz-td1') {
    return {
      documentNumber,
      birthDate: mrzCheckHolds(l2.slice(0, 6), l2[6]!),
      expiryDate: mrzCheckHolds(l2.slice(8, 14), l2[14]!),
      composite: mrzCheckHolds(
        l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29),
        l2[29]!,
      ),
    };
  }
  const common = {
    documentNumber,
    birthDate: mrzCheckHolds(l2.slice(13, 19), l2[19]!),
    expiryDate: mrzCheckHolds(l2.slice(21, 27), l2[27]!),
  };
  if (format === 'mrz-td2') {
    return {
      ...common,
      composite: mrzCheckHolds(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 35), l2[35]!),
    };
  }
  // TD3 (9303-4 §4.2.2.2): an all-filler personal number may carry 0 or < as its check digit.
  const personal = l2.slice(28, 42);
  const personalNumber = /^<+$/.test(personal)
    ? l2[42] === '<' || l2[42] === '0'
    : mrzCheckHolds(personal, l2[42]!);
  return {
    ...common,
    personalNumber,
    composite: mrzCheckHolds(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43), l2[43]!),
  };
}

/**
 * The `mrz` library's own check-digit verdicts, keyed like mrzChecks (tests compare the two); null when
 * the library reads the zone as another format (a national one).
 */
export function libraryCheckVerdicts(lines: readonly string[]): Record<string, boolean> | null {
  const format = mrzShapeOf(lines);
  const result = parseWithLibrary(lines);
  if (format === null || result.format !== SHAPES[format].library) return null;
  const names: Record<string, string> = {
    documentNumberCheckDigit: 'documentNumber',
    birthDateCheckDigit: 'birthDate',
    expirationDateCheckDigit: 'expiryDate',
    personalNumberCheckDigit: 'personalNumber',
    compositeCheckDigit: 'composite',
  };
  const out: Record<string, boolean> = {};
  for (const d of result.details) {
    const name = d.field === null ? undefined : names[d.field];
    if (name !== undefined) out[name] = d.valid;
  }
  return out;
}
