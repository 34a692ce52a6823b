/**
 * Jurisdiction codes an AAMVA `DAJ` element may hold (ANSI D20 / USPS two-letter codes), by country.
 * Used to check `DAJ` against the country (`DCG`, or inferred where the version has no `DCG`) and to
 * form the DESIGN §4 issuing state `USA-CA` / `CAN-ON`.
 */

/** The 50 states, DC, the territories and the Armed Forces address codes (AA, AE, AP). */
const US = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
    'OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM AA AE AP'
  ).split(' '),
);

/** Provinces and territories; NF is Newfoundland's code before 2002 (now NL) and appears on old cards. */
const CANADA = new Set('AB BC MB NB NL NF NS NT NU ON PE QC SK YT'.split(' '));

export type AamvaCountry = 'USA' | 'CAN';

export function isJurisdictionOf(country: AamvaCountry, code: string): boolean {
  return country === 'USA' ? US.has(code) : CANADA.has(code);
}

/** The country a jurisdiction code belongs to, or null when it is no U.S. or Canadian code. */
export function countryOfJurisdiction(code: string): AamvaCountry | null {
  if (US.has(code)) return 'USA';
  if (CANADA.has(code)) return 'CAN';
  return null;
}
