/**
 * AAMVA DL/ID PDF417 payload (versions 1-10) to an IdDocument. Written here rather than taken from npm:
 * the parsers found there misread fields and Canadian dates (issue 4).
 *
 * What depends on the version (AAMVA DL/ID Card Design Standard, Annex D, and its predecessors):
 * - names: version 1 (DL/ID-2000) carries the full name in `DAA` as LAST,FIRST,MIDDLE (the bar code
 *   uses `,` where the magnetic stripe uses `$`), or `DAB`/`DAC`/`DAD`; versions 2-3 carry the family
 *   name in `DCS` and the given names in `DCT`; versions 4-10 use `DCS`, `DAC` (first) and `DAD`
 *   (middle names, separated by `,`).
 * - dates (`DBB` birth, `DBA` expiry): MMDDCCYY for the U.S. and CCYYMMDD for Canada from version 2;
 *   version 1 wrote CCYYMMDD everywhere (ANSI D20 dates).
 * - country: `DCG` (USA or CAN) from version 2 when present; version 1 has none, so the country is the
 *   one the jurisdiction code `DAJ` belongs to.
 * Sex (`DBC`) is 1 male, 2 female, 9 not specified; the letters M, F, X seen on version 1 cards are
 * read too. The issuing state is `USA-`/`CAN-` + `DAJ` and the number is `DAQ` (DESIGN §4).
 *
 * AAMVA bar codes carry no check digits: a document that reads cleanly is `valid` with no `checks`.
 */
import { err, ok, type Result } from '../../protocol/result';
import { readAamvaFile, type AamvaSubfile } from './aamva-structure';
import { countryOfJurisdiction, isJurisdictionOf, type AamvaCountry } from './aamva-jurisdictions';
import { parseAamvaDate } from './document-dates';
import { refusal, type DocumentRefusal, type IdDocument, type Sex } from './id-document';

const ELEMENT_NAMES: Readonly<Record<string, string>> = {
  DAA: 'full name',
  DAB: 'family name',
  DAC: 'first name',
  DAD: 'middle names',
  DCS: 'family name',
  DCT: 'given names',
  DAQ: 'document number',
  DAJ: 'jurisdiction code',
  DBA: 'expiry date',
  DBB: 'birth date',
  DBC: 'sex',
  DCG: 'country',
};

const named = (id: string) => `${id} (${ELEMENT_NAMES[id] ?? 'element'})`;

function fieldRefusal(id: string, problem: string): Result<never, DocumentRefusal> {
  return err(refusal('aamva-field', `${named(id)} ${problem}`));
}

/** Values that mean "nothing here" in name fields (seen as `NONE`, `unavl`, `unavail`). */
const NO_VALUE = new Set(['NONE', 'UNAVL', 'UNAVAIL']);

function nameParts(value: string | undefined): string[] {
  if (value === undefined || NO_VALUE.has(value.trim().toUpperCase())) return [];
  return value
    .split(/[,$]/)
    .map((p) => p.trim().replace(/ +/g, ' '))
    .filter((p) => p !== '');
}

function names(
  version: number,
  el: ReadonlyMap<string, string>,
): Result<{ surname: string; givenNames: string }, DocumentRefusal> {
  const given = (...parts: string[][]) => parts.flat().join(' ');
  if (version === 1 && el.has('DAA')) {
    const parts = nameParts(el.get('DAA'));
    // DL/ID-2000: LAST,FIRST,MIDDLE[,SUFFIX]; without separators the order cannot be known.
    if (parts.length < 2 || !/[,$]/.test(el.get('DAA')!)) {
      return fieldRefusal('DAA', 'is not LAST,FIRST[,MIDDLE] with , or $ separators');
    }
    return ok({ surname: parts[0]!, givenNames: given(parts.slice(1, 3)) });
  }
  const surnameId = version === 1 ? 'DAB' : 'DCS';
  const surname = el.get(surnameId)?.trim() ?? '';
  if (surname === '') return fieldRefusal(surnameId, 'is missing or empty');
  const fromDct = () => given(nameParts(el.get('DCT')?.replace(/ /g, ',')));
  const fromDac = () => given(nameParts(el.get('DAC')), nameParts(el.get('DAD')));
  // Versions 2-3 name the given names DCT, later ones DAC/DAD; an issuer mixing them is read either way.
  const preferDct = version >= 2 && version <= 3 ? el.has('DCT') : !el.has('DAC') && el.has('DCT');
  return ok({ surname, givenNames: preferDct ? fromDct() : fromDac() });
}

function country(
  version: number,
  el: ReadonlyMap<string, string>,
  jurisdiction: string,
): Result<AamvaCountry, DocumentRefusal> {
  const dcg = version >= 2 ? el.get('DCG') : undefined;
  if (dcg === undefined) {
    const inferred = countryOfJurisdiction(jurisdiction);
    if (inferred === null) return fieldRefusal('DAJ', 'is not a U.S. or Canadian jurisdiction code');
    return ok(inferred);
  }
  // CDN is seen on some Canadian cards in place of the ISO code CAN.
  const code = dcg === 'CDN' ? 'CAN' : dcg;
  if (code !== 'USA' && code !== 'CAN') {
    return err(
      refusal('unsupported', `${named('DCG')} is not USA or CAN; AAMVA dates are defined for those two only`),
    );
  }
  if (!isJurisdictionOf(code, jurisdiction)) {
    return fieldRefusal('DAJ', `is not a jurisdiction of ${code} (DCG)`);
  }
  return ok(code);
}

function sexOf(value: string | undefined): Sex | null {
  switch (value?.trim() ?? '') {
    case '1':
    case 'M':
      return 'M';
    case '2':
    case 'F':
      return 'F';
    case '9':
    case 'X':
      return 'X';
    default:
      return null;
  }
}

/** The subfile holding the card's data: the first `DL` or `ID` designator. */
function cardSubfile(subfiles: readonly AamvaSubfile[]): AamvaSubfile | undefined {
  return subfiles.find((s) => s.type === 'DL' || s.type === 'ID');
}

/** Expiry `00000000`/`99999999` is written on documents that do not expire. */
const NO_EXPIRY = new Set(['00000000', '99999999']);

/** Parses an AAMVA payload (bytes from `@` on). */
export function parseAamva(bytes: Uint8Array): Result<IdDocument, DocumentRefusal> {
  const file = readAamvaFile(bytes);
  if (!file.ok) return file;
  const version = file.value.header.version;
  const subfile = cardSubfile(file.value.subfiles);
  if (subfile === undefined) return err(refusal('aamva-subfile', 'no DL or ID subfile is declared'));
  const el = subfile.elements;
  for (const id of ['DAQ', 'DAJ', 'DBB', 'DBA', 'DBC']) {
    if ((el.get(id) ?? '') === '') return fieldRefusal(id, `is missing from subfile ${subfile.type}`);
  }
  const documentNumber = el.get('DAQ')!.trim();
  const jurisdiction = el.get('DAJ')!.trim();
  if (!/^[A-Z]{2}$/.test(jurisdiction)) return fieldRefusal('DAJ', 'is not a 2-letter jurisdiction code');
  const ctry = country(version, el, jurisdiction);
  if (!ctry.ok) return ctry;
  const order = version === 1 || ctry.value === 'CAN' ? 'CCYYMMDD' : 'MMDDCCYY';
  const birth = parseAamvaDate(el.get('DBB')!, order);
  if (!birth.ok) return fieldRefusal('DBB', birth.error);
  const rawExpiry = el.get('DBA')!;
  const expiry = NO_EXPIRY.has(rawExpiry) ? ok(null) : parseAamvaDate(rawExpiry, order);
  if (!expiry.ok) return fieldRefusal('DBA', expiry.error);
  const sex = sexOf(el.get('DBC'));
  if (sex === null) return fieldRefusal('DBC', 'is not 1, 2 or 9 (or M, F, X)');
  const holder = names(version, el);
  if (!holder.ok) return holder;
  return ok({
    format: 'aamva',
    documentType: subfile.type,
    issuingState: `${ctry.value}-${jurisdiction}`,
    documentNumber,
    surname: holder.value.surname,
    givenNames: holder.value.givenNames,
    nationality: null,
    birthDate: birth.value,
    sex,
    expiryDate: expiry.value,
    valid: true,
    checks: {},
  });
}
