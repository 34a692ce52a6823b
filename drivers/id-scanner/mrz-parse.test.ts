import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mrzCheckDigit, mrzCheckHolds } from './mrz-check-digit';
import { encodeMrz } from './mrz-encode';
import { libraryCheckVerdicts, mrzChecks, parseMrz, splitMrzLines } from './mrz-parse';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'latin1');
const NOW = { now: new Date('2026-03-01T12:00:00Z') };

const ERIKSSON = {
  documentType: 'I',
  issuingState: 'UTO',
  documentNumber: 'D23145890',
  surname: 'ERIKSSON',
  givenNames: 'ANNA MARIA',
  nationality: 'UTO',
  birthDate: '1974-08-12',
  sex: 'F',
  expiryDate: '2012-04-15',
  valid: true,
};

describe('ICAO 9303-3 §4.9 check digits', () => {
  it('matches the worked examples of 9303-3 §4.9', () => {
    // Date of birth 27 July 1952 -> 520727, check digit 3; document number AB2134<<< -> 5.
    expect(mrzCheckDigit('520727')).toBe(3);
    expect(mrzCheckDigit('AB2134<<<')).toBe(5);
    expect(mrzCheckHolds('520727', '3')).toBe(true);
    expect(mrzCheckHolds('520727', '4')).toBe(false);
    expect(mrzCheckHolds('520727', '<')).toBe(false);
  });

  it('refuses characters outside the MRZ alphabet as a caller bug', () => {
    expect(() => mrzCheckDigit('ab1')).toThrow(RangeError);
  });
});

describe('parseMrz on ICAO specimens', () => {
  it('reads the TD1 specimen (9303-5)', () => {
    const r = parseMrz(fixture('td1-uto-specimen.mrz'), NOW);
    expect(r).toEqual({
      ok: true,
      value: {
        format: 'mrz-td1',
        ...ERIKSSON,
        checks: { documentNumber: true, birthDate: true, expiryDate: true, composite: true },
      },
    });
  });

  it('reads the TD2 specimen (9303-6)', () => {
    const r = parseMrz(fixture('td2-uto-specimen.mrz'), NOW);
    expect(r.ok && r.value).toMatchObject({ format: 'mrz-td2', ...ERIKSSON });
  });

  it('reads the TD3 specimen (9303-4), CRLF line ends, with the personal number check', () => {
    const r = parseMrz(fixture('td3-uto-specimen.mrz'), NOW);
    expect(r).toEqual({
      ok: true,
      value: {
        format: 'mrz-td3',
        ...ERIKSSON,
        documentType: 'P',
        documentNumber: 'L898902C3',
        checks: {
          documentNumber: true,
          birthDate: true,
          expiryDate: true,
          personalNumber: true,
          composite: true,
        },
      },
    });
  });

  it('joins a TD1 document number longer than 9 characters (9303-5 §4.2.2 note j)', () => {
    const r = parseMrz(fixture('td1-long-number.mrz'), NOW);
    expect(r.ok && r.value).toMatchObject({
      documentNumber: 'D23145890734',
      valid: true,
      birthDate: '1934-07-12',
    });
  });

  it('keeps a one-letter state code (D, Germany) without its fillers', () => {
    const r = parseMrz(fixture('td3-d-specimen.mrz'), NOW);
    expect(r.ok && r.value).toMatchObject({
      issuingState: 'D',
      nationality: 'D',
      surname: 'MUSTERMANN',
      valid: true,
    });
  });

  it('reports a failed check digit by name instead of refusing', () => {
    const r = parseMrz(fixture('td3-bad-birth-check.mrz'), NOW);
    expect(r.ok && r.value.valid).toBe(false);
    expect(r.ok && r.value.checks).toEqual({
      documentNumber: true,
      birthDate: false,
      expiryDate: true,
      personalNumber: true,
      composite: false,
    });
  });

  it("does not inherit the mrz library's verdict on a filler in place of a check digit", () => {
    // mrz 5.0.2 reads a TD1 whose document number check digit is `<` and whose optional data is empty as
    // a long number, takes the "check digit" after it as '' and compares Number('') = 0 with the
    // computed digit: for this number that is 0, so the library calls the check valid. ICAO 9303-3
    // §4.9 has no such digit: the check fails. (Found by parsers.property.test.ts.)
    const lines = [
      'I<UTOSV2PLDJHO<<<<<<<<<<<<<<<<',
      '7408122F1204159UTO<<<<<<<<<<<6',
      'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
    ];
    expect(libraryCheckVerdicts(lines)?.['documentNumber']).toBe(true);
    const r = parseMrz(lines.join('\n'), NOW);
    expect(r.ok && r.value.checks['documentNumber']).toBe(false);
    expect(r.ok && r.value.valid).toBe(false);
  });

  it('agrees with the mrz library on every fixture check', () => {
    for (const name of [
      'td1-uto-specimen.mrz',
      'td2-uto-specimen.mrz',
      'td3-uto-specimen.mrz',
      'td1-long-number.mrz',
      'td3-d-specimen.mrz',
      'td3-bad-birth-check.mrz',
    ]) {
      const lines = splitMrzLines(fixture(name));
      const format = lines[0]!.length === 30 ? 'mrz-td1' : lines[0]!.length === 36 ? 'mrz-td2' : 'mrz-td3';
      expect(libraryCheckVerdicts(lines), name).toEqual(mrzChecks(format, lines));
    }
  });
});

describe('DESIGN §10 two-digit years', () => {
  const td3 = (birth: string, expiry: string) =>
    encodeMrz({
      format: 'mrz-td3',
      documentType: 'P',
      issuingState: 'UTO',
      documentNumber: 'X1234567',
      surname: 'TEST',
      givenNames: 'ONE',
      nationality: 'UTO',
      birthDate: birth,
      sex: 'M',
      expiryDate: expiry,
    }).join('\n');

  it('puts a birth year in the past and an expiry year within the next 50 years', () => {
    const a = parseMrz(td3('2026-01-01', '2076-12-31'), NOW);
    expect(a.ok && [a.value.birthDate, a.value.expiryDate]).toEqual(['2026-01-01', '2076-12-31']);
    // 26-04-01 would be after "today" (2026-03-01), so it is 1926; 77 is more than 50 years ahead: 1977.
    const b = parseMrz(td3('1926-04-01', '1977-01-01'), NOW);
    expect(b.ok && [b.value.birthDate, b.value.expiryDate]).toEqual(['1926-04-01', '1977-01-01']);
  });

  it('reports dates left as fillers as unknown (null), with check digits still computed', () => {
    const lines = td3('2000-01-01', '2030-01-01').split('\n');
    const unknown = lines[1]!.slice(0, 13) + '<<<<<<' + String(mrzCheckDigit('<<<<<<')) + lines[1]!.slice(20);
    const r = parseMrz(`${lines[0]}\n${unknown}`, NOW);
    expect(r.ok && r.value.birthDate).toBeNull();
    expect(r.ok && r.value.checks['birthDate']).toBe(true);
  });
});

describe('parseMrz refusals', () => {
  const secret = ['ERIKSSON', 'ANNA', 'L898902C', '740812'];
  const refused = (text: string) => {
    const r = parseMrz(text, NOW);
    expect(r.ok).toBe(false);
    const message = r.ok ? '' : r.error.message;
    for (const s of secret) expect(message).not.toContain(s);
    return message;
  };
  const [l1, l2] = splitMrzLines(fixture('td3-uto-specimen.mrz')) as [string, string];

  it('says what shape it found', () => {
    expect(refused(`${l1}\n${l2.slice(1)}`)).toMatch(/found 2 lines of 44, 43 characters/);
    expect(refused(l1)).toMatch(/found 1 line of 44/);
  });

  it('refuses characters outside the alphabet, naming the line', () => {
    expect(refused(`${l1}\n${l2.toLowerCase()}`)).toMatch(/line 2 has characters outside/);
  });

  it('refuses visas and non-passport TD3 zones', () => {
    expect(refused(`V${l1.slice(1)}\n${l2}`)).toMatch(/passport/);
  });

  it('refuses impossible dates and sex codes without echoing them', () => {
    expect(refused(`${l1}\n${l2.slice(0, 13)}741312${l2.slice(19)}`)).toMatch(
      /birth date is not a calendar date/,
    );
    expect(refused(`${l1}\n${l2.slice(0, 20)}Q${l2.slice(21)}`)).toMatch(/sex must be/);
  });

  it('takes a name with no << as a primary identifier only', () => {
    const lines = encodeMrz({
      format: 'mrz-td1',
      documentType: 'ID',
      issuingState: 'UTO',
      documentNumber: 'AB1234567',
      surname: 'ONLYONENAMEWITHOUTGIVENNAMESXY',
      givenNames: '',
      nationality: 'UTO',
      birthDate: '1990-02-03',
      sex: 'X',
      expiryDate: '2030-02-03',
    });
    const r = parseMrz(lines.join('\n'), NOW);
    expect(r.ok && [r.value.surname, r.value.givenNames, r.value.sex, r.value.documentType]).toEqual([
      'ONLYONENAMEWITHOUTGIVENNAMESXY',
      '',
      'X',
      'ID',
    ]);
  });
});
