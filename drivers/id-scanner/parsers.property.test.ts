/**
 * Property tests for the document parsers (issue 4, "Bad input"): random bytes and mutated valid
 * documents never make a parser throw or hang, every refusal says why without echoing personal data,
 * and generated valid documents read back exactly. Run counts are chosen so this file and
 * framing.property.test.ts together run well over 100,000 cases in the normal test run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAamvaCard, type AamvaCard } from './aamva-encode';
import { countryOfJurisdiction } from './aamva-jurisdictions';
import { mrzCheckDigit } from './mrz-check-digit';
import { encodeMrz, type MrzFields } from './mrz-encode';
import { libraryCheckVerdicts, mrzChecks, mrzShapeOf, parseMrz, splitMrzLines } from './mrz-parse';
import { parseDocument, type FormatChoice } from './parse-document';

const NOW = new Date('2026-03-01T00:00:00Z');
const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.mrz') || f.endsWith('.aamva'))
  .map((f) => {
    const bytes = new Uint8Array(readFileSync(new URL(f, FIXTURES)));
    const parsed = parseDocument(bytes, { now: NOW });
    if (!parsed.ok) throw new Error(`fixture ${f} does not parse`);
    return {
      bytes,
      secrets: [parsed.value.documentNumber, parsed.value.surname].filter((s) => s.length >= 4),
    };
  });

/** The TD1/TD2 zones where the mrz library's document number verdict is not meaningful. */
function libraryMisreadsNumberCheck(format: string, lines: readonly string[]): boolean {
  if (format === 'mrz-td3') return false;
  const [digit, optional] =
    format === 'mrz-td1' ? [lines[0]![14], lines[0]!.slice(15)] : [lines[1]![9], lines[1]!.slice(28, 35)];
  return digit === '<' && !/^[A-Z0-9]{2,}</.test(optional);
}

/** A parse that may refuse but must never throw, and must say why when it refuses. */
function parsesOrSaysWhy(bytes: Uint8Array, format: FormatChoice) {
  const r = parseDocument(bytes, { format, now: NOW });
  if (!r.ok) expect(r.error.message.length).toBeGreaterThan(10);
  return r;
}

// ---- arbitraries ------------------------------------------------------------------------------

const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const DIGITS = [...'0123456789'];
const chars = (alphabet: readonly string[], minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const upper = (min: number, max: number) => chars(LETTERS, min, max);
const alnum = (min: number, max: number) => chars([...LETTERS, ...DIGITS], min, max);
const words = (min: number, max: number) =>
  fc.array(upper(1, 8), { minLength: min, maxLength: max }).map((w) => w.join(' '));

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** DESIGN §10: a birth date in the 100 years up to today; an expiry year within 49 back, 50 ahead. */
const birthDate = fc
  .integer({ min: NOW.getTime() - 100 * 365.2425 * DAY + 2 * DAY, max: NOW.getTime() })
  .map(isoDay);
const expiryDate = fc
  .integer({
    min: Date.UTC(NOW.getUTCFullYear() - 49, 0, 1),
    max: Date.UTC(NOW.getUTCFullYear() + 50, 11, 31),
  })
  .map(isoDay);

const mrzFields: fc.Arbitrary<MrzFields> = fc
  .record({
    format: fc.constantFrom('mrz-td1' as const, 'mrz-td2' as const, 'mrz-td3' as const),
    second: fc.constantFrom('', 'D', 'P', 'K', 'C', 'S'),
    first: fc.constantFrom('A', 'C', 'I'),
    issuingState: upper(1, 3),
    nationality: upper(1, 3),
    number: alnum(1, 14),
    surname: words(1, 3),
    givenNames: words(0, 3),
    birthDate: fc.option(birthDate, { freq: 10 }),
    sex: fc.constantFrom('M' as const, 'F' as const, 'X' as const),
    expiryDate: fc.option(expiryDate, { freq: 10 }),
    personal: alnum(0, 14),
  })
  .filter((f) => {
    const width = { 'mrz-td1': 30, 'mrz-td2': 31, 'mrz-td3': 39 }[f.format];
    const name = f.givenNames ? `${f.surname}<<${f.givenNames}` : f.surname;
    const maxNumber = f.format === 'mrz-td3' ? 9 : 14;
    return name.length <= width && f.number.length <= maxNumber;
  })
  .map((f) => ({
    format: f.format,
    documentType: (f.format === 'mrz-td3' ? 'P' : f.first) + f.second,
    issuingState: f.issuingState,
    documentNumber: f.number,
    surname: f.surname,
    givenNames: f.givenNames,
    nationality: f.nationality,
    birthDate: f.birthDate,
    sex: f.sex,
    expiryDate: f.expiryDate,
    ...(f.format === 'mrz-td3' ? { optionalData: f.personal } : {}),
  }));

const US = ['AL', 'CA', 'DC', 'NY', 'PR', 'TX', 'VA', 'WA', 'WY'] as const;
const CA = ['AB', 'BC', 'NL', 'NS', 'ON', 'QC', 'YT'] as const;
const anyDate = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2099, 11, 31) }).map(isoDay);

const aamvaCard: fc.Arbitrary<AamvaCard> = fc
  .record({
    version: fc.integer({ min: 1, max: 10 }),
    canada: fc.boolean(),
    us: fc.constantFrom(...US),
    ca: fc.constantFrom(...CA),
    documentType: fc.constantFrom('DL' as const, 'ID' as const),
    documentNumber: alnum(1, 20),
    surname: upper(1, 14),
    firstName: upper(1, 10),
    middleNames: fc.array(upper(1, 8), { maxLength: 2 }),
    birthDate: anyDate,
    expiryDate: anyDate,
    sex: fc.constantFrom('M' as const, 'F' as const, 'X' as const),
  })
  .map((c) => ({
    version: c.version,
    iin: c.canada ? '636012' : '636000',
    country: c.canada ? ('CAN' as const) : ('USA' as const),
    jurisdiction: c.canada ? c.ca : c.us,
    documentType: c.documentType,
    documentNumber: c.documentNumber,
    surname: c.surname,
    firstName: c.firstName,
    middleNames: c.middleNames,
    birthDate: c.birthDate,
    expiryDate: c.expiryDate,
    sex: c.sex,
  }));

/** Byte edits: flip, insert, delete a range, truncate. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

export function mutate(bytes: Uint8Array, edits: readonly Mutation[]): Uint8Array {
  let b = [...bytes];
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    if (e.op === 'set' && b.length > 0) b[at % b.length] = e.value;
    else if (e.op === 'insert') b.splice(at, 0, ...e.bytes);
    else if (e.op === 'delete') b.splice(at, e.length);
    else if (e.op === 'truncate') b = b.slice(0, at);
  }
  return Uint8Array.from(b);
}

// ---- properties -------------------------------------------------------------------------------

describe('parsers: bad input', () => {
  it('random bytes, any --format: refused with a reason or parsed, never thrown', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom<FormatChoice>('auto', 'mrz', 'aamva'),
        (bytes, format) => {
          parsesOrSaysWhy(bytes, format);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('random MRZ-alphabet zones of the three shapes: checks agree with the mrz library', () => {
    const line = (w: number) => chars([...LETTERS, ...DIGITS, '<'], w, w);
    const zone = fc.oneof(
      fc.tuple(line(30), line(30), line(30)),
      fc.tuple(line(36), line(36)),
      fc.tuple(line(44), line(44)),
    );
    fc.assert(
      fc.property(zone, (lines) => {
        const r = parsesOrSaysWhy(new TextEncoder().encode(lines.join('\n')), 'mrz');
        const format = mrzShapeOf(lines)!;
        if (r.ok) expect(r.value.checks).toEqual(mrzChecks(format, lines));
        // null: the library reads the zone as a national format (refused by parseMrz as unsupported).
        const library = libraryCheckVerdicts(lines);
        if (library === null) {
          expect(r.ok).toBe(false);
          return;
        }
        const ours = mrzChecks(format, lines);
        if (libraryMisreadsNumberCheck(format, lines)) {
          // Known mrz 5.0.2 defect (mrz-parse.test.ts): a filler where the document number's check digit
          // belongs, without a well-formed long-number extension (more characters, the check digit, a
          // filler), is compared with whatever digit it finds, or none. Ours says false.
          expect(ours['documentNumber']).toBe(false);
          delete library['documentNumber'];
          delete ours['documentNumber'];
        }
        expect(library).toEqual(ours);
      }),
      { numRuns: 5_000 },
    );
  });

  it("mutated fixtures: never thrown, and a refusal never echoes the holder's name or number", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (doc, edits) => {
          const r = parsesOrSaysWhy(mutate(doc.bytes, edits), 'auto');
          if (!r.ok) for (const secret of doc.secrets) expect(r.error.message).not.toContain(secret);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('parsers: valid documents read back exactly', () => {
  it('MRZ TD1/TD2/TD3 with any fields: every check holds and every field comes back', () => {
    fc.assert(
      fc.property(mrzFields, (f) => {
        const lines = encodeMrz(f);
        const r = parseMrz(lines.join('\r\n'), { now: NOW });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toEqual({
          format: f.format,
          documentType: f.documentType,
          issuingState: f.issuingState,
          documentNumber: f.documentNumber,
          surname: f.surname,
          givenNames: f.givenNames,
          nationality: f.nationality,
          birthDate: f.birthDate,
          sex: f.sex,
          expiryDate: f.expiryDate,
          valid: true,
          checks: mrzChecks(f.format, lines),
        });
        expect(Object.values(r.value.checks).every(Boolean)).toBe(true);
        expect(libraryCheckVerdicts(lines)).toEqual(r.value.checks);
      }),
      { numRuns: 4_000 },
    );
  });

  it("MRZ: changing one digit of a birth or expiry date always fails that date's check", () => {
    fc.assert(
      fc.property(
        mrzFields.filter((f) => f.birthDate !== null && f.expiryDate !== null),
        fc.constantFrom('birthDate', 'expiryDate'),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        (f, which, at, delta) => {
          const lines = encodeMrz(f);
          const start = {
            'mrz-td1': { birthDate: 0, expiryDate: 8 },
            'mrz-td2': { birthDate: 13, expiryDate: 21 },
            'mrz-td3': { birthDate: 13, expiryDate: 21 },
          }[f.format][which];
          const l2 = lines[1]!;
          const digit = (Number(l2[start + at]) + delta) % 10;
          lines[1] = l2.slice(0, start + at) + String(digit) + l2.slice(start + at + 1);
          const r = parseMrz(lines.join('\n'), { now: NOW });
          // Either the changed date is no longer a calendar date (refused), or its check fails.
          if (r.ok) expect(r.value.checks[which]).toBe(false);
          else expect(r.error.message).toMatch(/date/);
        },
      ),
      { numRuns: 4_000 },
    );
  });

  it('AAMVA versions 1-10, U.S. and Canada: names, dates and the issuing state come back', () => {
    fc.assert(
      fc.property(aamvaCard, (card) => {
        const r = parseDocument(encodeAamvaCard(card), { format: 'auto' });
        expect(r).toEqual({
          ok: true,
          value: {
            format: 'aamva',
            documentType: card.documentType,
            issuingState: `${card.country}-${card.jurisdiction}`,
            documentNumber: card.documentNumber,
            surname: card.surname,
            givenNames: [card.firstName, ...(card.middleNames ?? [])].join(' '),
            nationality: null,
            birthDate: card.birthDate,
            sex: card.sex,
            expiryDate: card.expiryDate,
            valid: true,
            checks: {},
          },
        });
        expect(countryOfJurisdiction(card.jurisdiction)).toBe(card.country);
      }),
      { numRuns: 10_000 },
    );
  });
});

// Sanity for the generators themselves: they produce what they claim.
describe('generators', () => {
  it('the MRZ encoder writes correct check digits on its own', () => {
    fc.assert(
      fc.property(mrzFields, (f) => {
        const lines = encodeMrz(f);
        expect(splitMrzLines(lines.join('\n'))).toEqual(lines);
        const l2 = lines[1]!;
        const birth = f.format === 'mrz-td1' ? 0 : 13;
        expect(Number(l2[birth + 6])).toBe(mrzCheckDigit(l2.slice(birth, birth + 6)));
      }),
      { numRuns: 1_000 },
    );
  });
});
