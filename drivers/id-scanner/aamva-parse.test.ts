import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeAamvaCard, encodeAamvaFile } from './aamva-encode';
import { parseAamva } from './aamva-parse';
import { aamvaDeclaredLength, readAamvaFile } from './aamva-structure';
import { documentCredentialKey } from './id-document';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

// Expected readings of the fixtures (fixtures/README.md says what each one exercises).
const EXPECTED: Record<string, object> = {
  'us-tx-v01-dl.aamva': {
    documentType: 'DL',
    issuingState: 'USA-TX',
    documentNumber: '12345678',
    surname: 'SPECIMEN',
    givenNames: 'JANE Q',
    birthDate: '1961-03-15',
    expiryDate: '2007-03-15',
    sex: 'F',
  },
  'ca-bc-v01-dl.aamva': {
    documentType: 'DL',
    issuingState: 'CAN-BC',
    documentNumber: '7654321',
    surname: 'TREMBLAY',
    givenNames: 'LUC ANDRE',
    birthDate: '1972-11-30',
    expiryDate: '2006-01-14',
    sex: 'M',
  },
  'us-fl-v03-id.aamva': {
    documentType: 'ID',
    issuingState: 'USA-FL',
    documentNumber: 'S123456789012',
    surname: 'SAMPLE',
    givenNames: 'ROBERT LEE',
    birthDate: '1948-02-29',
    expiryDate: '2012-07-04',
    sex: 'M',
  },
  'ca-ns-v03-dl.aamva': {
    documentType: 'DL',
    issuingState: 'CAN-NS',
    documentNumber: 'SPECI120382001',
    surname: 'MACDONALD',
    givenNames: 'MARY ELLEN',
    birthDate: '1982-03-12',
    expiryDate: '2012-12-03',
    sex: 'F',
  },
  'us-ca-v08-dl.aamva': {
    documentType: 'DL',
    issuingState: 'USA-CA',
    documentNumber: 'I1234568',
    surname: 'PUBLIC',
    givenNames: 'ALEXANDRA MARIA JOSE',
    birthDate: '1977-08-31',
    expiryDate: '2019-08-31',
    sex: 'F',
  },
  'ca-on-v08-dl.aamva': {
    documentType: 'DL',
    issuingState: 'CAN-ON',
    documentNumber: 'S1234-56789-01234',
    surname: 'SINGH',
    givenNames: 'PRIYA',
    birthDate: '1990-04-23',
    expiryDate: '2024-04-23',
    sex: 'F',
  },
  'us-ny-v09-id.aamva': {
    documentType: 'ID',
    issuingState: 'USA-NY',
    documentNumber: '987654321',
    surname: 'DOE',
    givenNames: 'TAYLOR',
    birthDate: '1970-01-01',
    expiryDate: '2031-12-31',
    sex: 'X',
  },
  'us-va-v10-dl.aamva': {
    documentType: 'DL',
    issuingState: 'USA-VA',
    documentNumber: 'T16700185',
    surname: 'EXAMPLE',
    givenNames: 'CHRISTOPHER J',
    birthDate: '1999-11-30',
    expiryDate: '2029-11-30',
    sex: 'M',
  },
  'ca-ab-v10-dl.aamva': {
    documentType: 'DL',
    issuingState: 'CAN-AB',
    documentNumber: '123456-789',
    surname: 'LAFLEUR',
    givenNames: 'JEAN-PAUL',
    birthDate: '2001-05-29',
    expiryDate: '2028-05-29',
    sex: 'M',
  },
};

describe('AAMVA fixtures, versions 1, 3, 8, 9, 10, U.S. and Canada', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`reads ${name}`, () => {
      const r = parseAamva(fixture(name));
      expect(r).toEqual({
        ok: true,
        value: { format: 'aamva', nationality: null, valid: true, checks: {}, ...expected },
      });
    });
  }

  it('reads Canadian dates as CCYYMMDD and U.S. dates as MMDDCCYY (a day above 12 catches a swap)', () => {
    const on = parseAamva(fixture('ca-on-v08-dl.aamva'));
    const ca = parseAamva(fixture('us-ca-v08-dl.aamva'));
    expect(on.ok && on.value.birthDate).toBe('1990-04-23');
    expect(ca.ok && ca.value.birthDate).toBe('1977-08-31');
  });

  it('honours the declared subfiles: the header, both designators and the ZC subfile', () => {
    const file = readAamvaFile(fixture('us-ca-v08-dl.aamva'));
    expect(file.ok && file.value.header).toEqual({
      iin: '636014',
      version: 8,
      jurisdictionVersion: 0,
      entries: 2,
      length: 21,
    });
    expect(file.ok && file.value.subfiles.map((s) => [s.type, s.offset, s.length])).toEqual([
      ['DL', 41, 256],
      ['ZC', 297, 13],
    ]);
    expect(file.ok && file.value.subfiles[1]!.elements).toEqual(
      new Map([
        ['ZCA', 'BLK'],
        ['ZCB', ''],
      ]),
    );
  });

  it('encodeAamvaFile reproduces the independently written fixtures byte for byte', () => {
    for (const name of Object.keys(EXPECTED).filter((n) => n !== 'ca-bc-v01-dl.aamva')) {
      const bytes = fixture(name);
      const file = readAamvaFile(bytes);
      if (!file.ok) throw new Error(file.error.message);
      const again = encodeAamvaFile({
        iin: file.value.header.iin,
        version: file.value.header.version,
        jurisdictionVersion: file.value.header.jurisdictionVersion ?? 0,
        subfiles: file.value.subfiles.map((s) => ({ type: s.type, elements: [...s.elements] })),
      });
      // Fixed-length fields keep their padding in the fixture; the reader trims it, so compare lengths per subfile.
      const padding =
        text(bytes)
          .match(/ +(?=\n|\r)/g)
          ?.join('').length ?? 0;
      expect(again.length + padding, name).toBe(bytes.length);
      if (padding === 0) expect(text(again), name).toBe(text(bytes));
    }
  });

  it('encodeAamvaCard round-trips through the parser for every version', () => {
    for (let version = 1; version <= 10; version++) {
      for (const [country, jurisdiction] of [
        ['USA', 'WA'],
        ['CAN', 'QC'],
      ] as const) {
        const bytes = encodeAamvaCard({
          version,
          iin: '636045',
          country,
          jurisdiction,
          documentType: 'DL',
          documentNumber: 'WDL12345XYZ',
          surname: 'RIVERA',
          firstName: 'ANA',
          middleNames: ['LUZ', 'MARIA'],
          birthDate: '1985-12-24',
          expiryDate: '2031-06-30',
          sex: 'F',
        });
        const r = parseAamva(bytes);
        expect(r.ok && r.value, `v${version} ${country}`).toMatchObject({
          issuingState: `${country}-${jurisdiction}`,
          surname: 'RIVERA',
          givenNames: 'ANA LUZ MARIA',
          birthDate: '1985-12-24',
          expiryDate: '2031-06-30',
        });
      }
    }
  });

  it('gives the DESIGN §4 credential key through protocol/voters', () => {
    const r = parseAamva(fixture('us-va-v10-dl.aamva'));
    expect(r.ok && documentCredentialKey(r.value)).toEqual({ ok: true, value: 'doc:USA-VA:T16700185' });
  });
});

describe('AAMVA refusals name the place, never the value', () => {
  const va = text(fixture('us-va-v10-dl.aamva'));
  const refused = (s: string, pattern: RegExp) => {
    const r = parseAamva(latin1(s));
    expect(r.ok).toBe(false);
    const message = r.ok ? '' : r.error.message;
    expect(message).toMatch(pattern);
    for (const secret of ['EXAMPLE', 'CHRISTOPHER', 'T16700185', '11301999'])
      expect(message).not.toContain(secret);
  };

  it('checks every header byte', () => {
    refused(`#${va.slice(1)}`, /byte 0 must be the compliance indicator/);
    refused(`@\r${va.slice(2)}`, /byte 1 must be the data element separator \(LF\) 0x0a, found 0x0d/);
    refused(va.replace('ANSI ', 'AAMVA'), /file type/);
    refused(va.replace('636000', '63600X'), /issuer identification number/);
    refused(va.replace('ANSI 63600010', 'ANSI 63600000'), /version 00/);
    refused(va.replace('ANSI 63600010', 'ANSI 63600011'), /version 11 is newer/);
    refused(va.replace('0102DL', '0100DL'), /number of entries/);
  });

  it('checks the designators against the subfiles', () => {
    refused(va.replace('DL00410268', 'DL00420268'), /bytes 41-41 belong to no subfile/);
    refused(
      va.replace('DL00410268', 'DL00410267'),
      /subfile DL \(offset 41, length 267\) does not end with the segment terminator/,
    );
    refused(va.slice(0, 200), /runs past the end of the data/);
    refused(va.replace('ZV03090008', 'ZV03000008'), /ZV offset 300 overlaps/);
  });

  it('refuses broken elements, a missing number, and fields that do not parse', () => {
    refused(va.replace('\nDCSEXAMPLE', '\nDAQEXAMPLE'), /element DAQ twice/);
    refused(va.replace('DAQT16700185', 'XXQT16700185'), /DAQ \(document number\) is missing/);
    refused(
      va.replace('DBB11301999', 'DBB13301999'),
      /DBB \(birth date\) is not a calendar date in MMDDCCYY order/,
    );
    refused(va.replace('DBC1', 'DBC7'), /DBC \(sex\)/);
    refused(va.replace('DCGUSA', 'DCGMEX'), /not USA or CAN/);
    refused(va.replace('DAJVA', 'DAJON'), /DAJ \(jurisdiction code\) is not a jurisdiction of USA/);
    refused(va.replace('DCSEXAMPLE', 'DCSEX\x01MPLE'), /control or non-ASCII byte 0x01/);
  });

  it('allows only line endings after the last subfile', () => {
    expect(parseAamva(latin1(`${va}\r\n`)).ok).toBe(true);
    refused(`${va}X`, /belong to no subfile/);
  });
});

describe('aamvaDeclaredLength (for framings without a length)', () => {
  it('needs the header and designators, then gives the end of the last subfile', () => {
    const va = fixture('us-va-v10-dl.aamva');
    expect(aamvaDeclaredLength(va.subarray(0, 10))).toEqual({ ok: true, value: null });
    expect(aamvaDeclaredLength(va.subarray(0, 40))).toEqual({ ok: true, value: null });
    expect(aamvaDeclaredLength(va.subarray(0, 41))).toEqual({ ok: true, value: va.length });
    expect(aamvaDeclaredLength(latin1('@\nX')).ok).toBe(false);
  });
});
