/**
 * The demo's invented people: per ballot style, a number of persons with a person id (the authority's
 * registry id, which voterRef hashes), a passport (for `doc:` credentials and demo MRZs) and a country.
 * Names are drawn from short lists of common given names and surnames; no real person is meant.
 */
import type { BallotStyle } from '../../protocol/election/schema';
import type { Drbg } from './drbg';

const GIVEN = [
  'ALEX',
  'MARIA',
  'SAM',
  'NOOR',
  'LUCA',
  'AMARA',
  'KENJI',
  'SOFIA',
  'DIEGO',
  'ELIN',
  'OMAR',
  'MEI',
  'JONAS',
  'ZARA',
  'PABLO',
  'INES',
  'TARIQ',
  'LENA',
  'KOFI',
  'AIKO',
];
const SURNAMES = [
  'SMITH',
  'GARCIA',
  'MULLER',
  'ROSSI',
  'SILVA',
  'TANAKA',
  'OKAFOR',
  'NOVAK',
  'DUBOIS',
  'KIM',
  'PATEL',
  'JENSEN',
  'COHEN',
  'MARTIN',
  'SANTOS',
  'WANJIRU',
  'NGUYEN',
  'LARSEN',
  'HADDAD',
  'WALKER',
];

export interface DemoPerson {
  /** The registry id voterRef is computed from (DESIGN §4 step 1). */
  readonly personId: string;
  readonly country: string;
  readonly style: string;
  readonly surname: string;
  readonly givenNames: string;
  readonly birthDate: string;
  readonly sex: 'M' | 'F';
  /** Passport issued by `country`. */
  readonly documentNumber: string;
  readonly expiryDate: string;
}

function date(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `perStyle` people for each style (the style's country is its first district). */
export function demoPeople(styles: readonly BallotStyle[], perStyle: number, drbg: Drbg): DemoPerson[] {
  const people: DemoPerson[] = [];
  const perCountry = new Map<string, number>();
  for (const style of styles) {
    const country = style.districts[0]!;
    for (let i = 0; i < perStyle; i++) {
      const n = perCountry.get(country) ?? 0;
      perCountry.set(country, n + 1);
      const label = `person:${country}:${n}`;
      people.push({
        personId: `${country}-${String(n + 1).padStart(6, '0')}`,
        country,
        style: style.id,
        surname: drbg.pick(`${label}:surname`, SURNAMES),
        givenNames: drbg.pick(`${label}:given`, GIVEN),
        birthDate: date(
          1940 + drbg.int(`${label}:year`, 66),
          1 + drbg.int(`${label}:month`, 12),
          1 + drbg.int(`${label}:day`, 28),
        ),
        sex: drbg.int(`${label}:sex`, 2) === 0 ? 'F' : 'M',
        // Nine characters, unique per issuing state: two letters of the state and a serial number.
        documentNumber: `${country.slice(0, 2)}${String(1_000_000 + n * 37 + drbg.int(`${label}:doc`, 37)).padStart(7, '0')}`,
        expiryDate: date(
          2030 + drbg.int(`${label}:expiry`, 6),
          1 + drbg.int(`${label}:emonth`, 12),
          1 + drbg.int(`${label}:eday`, 28),
        ),
      });
    }
  }
  return people;
}
