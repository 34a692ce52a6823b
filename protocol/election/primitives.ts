/**
 * The small zod schemas every OGAS format is built from (DESIGN §3: hashes and ids lowercase hex, keys
 * and signatures standard base64 with padding; §4: alpha-3 countries, RFC 3339 times, BCP 47 tags).
 * Each carries the message a person reads when it refuses ("must be 64 lowercase hex characters"), and
 * "is required" when the field is missing, so that refusals name the field and say why.
 */
import { z } from 'zod';
import { isBase64, isHex } from '../bytes';

type Issue = { readonly input?: unknown };

/** An error map: "is required" for a missing field, `message` otherwise. */
export function says(message: string): { error: (issue: Issue) => string } {
  return { error: (issue) => (issue.input === undefined ? 'is required' : message) };
}

export const nonEmptyString = z.string(says('must be a non-empty string')).min(1, says('must not be empty'));

/** Non-negative safe integer (counts, hours, ages). */
export const count = z
  .int(says('must be a non-negative integer'))
  .nonnegative(says('must be a non-negative integer'));

/** Positive safe integer (k, quorum, maxChoices, batch sizes). */
export const positiveInt = z
  .int(says('must be a positive integer'))
  .positive(says('must be a positive integer'));

/** Lowercase hex of exactly `bytes` bytes. */
export function hexBytes(bytes: number) {
  return z
    .string(says(`must be ${bytes * 2} lowercase hex characters`))
    .refine((s) => isHex(s, bytes), says(`must be ${bytes * 2} lowercase hex characters`));
}

/** A SHA-256 value in hex (ids, roots, key hashes). */
export const hex32 = hexBytes(32);

/** Standard base64 with padding (RFC 4648 §4), non-empty. */
export const base64 = z
  .string(says('must be standard base64 with padding'))
  .refine((s) => s.length > 0 && isBase64(s), says('must be standard base64 with padding'));

/** ICAO 9303 / ISO 3166-1 alpha-3 code as written in an MRZ: three uppercase letters. */
export const ALPHA3_RE = /^[A-Z]{3}$/;
export const alpha3 = z
  .string(says('must be an ISO 3166-1 alpha-3 code (three uppercase letters)'))
  .regex(ALPHA3_RE, says('must be an ISO 3166-1 alpha-3 code (three uppercase letters)'));

/**
 * Ids of districts, contests, options and ballot styles: ASCII letters, digits, `.`, `_`, `-`, at most
 * 64 characters, starting with a letter or digit. Not in DESIGN §4; chosen so that ids print safely in
 * reports, file names and URLs, and never collide with the scope word "global".
 */
export const IDENTIFIER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const identifier = z
  .string(says('must be an id (letters, digits, ".", "_", "-"; at most 64; starts with a letter or digit)'))
  .regex(
    IDENTIFIER_RE,
    says('must be an id (letters, digits, ".", "_", "-"; at most 64; starts with a letter or digit)'),
  );

/** RFC 3339 date-time with a time offset (`Z` or `±hh:mm`), DESIGN §4 window. */
const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339(s: string): boolean {
  const m = RFC3339_RE.exec(s);
  if (!m) return false;
  const [year, month, dayOfMonth, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8] === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  // RFC 3339 §5.7 allows second 60 (a leap second); Date cannot hold it, so it is refused here.
  return (
    month >= 1 &&
    month <= 12 &&
    dayOfMonth >= 1 &&
    dayOfMonth <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetOk
  );
}

export const rfc3339 = z
  .string(says('must be an RFC 3339 date-time with an offset, e.g. 2030-05-01T08:00:00+02:00'))
  .refine(isRfc3339, says('must be an RFC 3339 date-time with an offset, e.g. 2030-05-01T08:00:00+02:00'));

/** A BCP 47 language tag in its canonical form (what `Intl.getCanonicalLocales` returns). */
export function isCanonicalBcp47(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag)[0] === tag;
  } catch {
    return false;
  }
}

export const bcp47 = z
  .string(says('must be a BCP 47 language tag'))
  .refine(isCanonicalBcp47, says('must be a BCP 47 language tag in canonical form (e.g. "en", "pt-BR")'));

/**
 * A human string (DESIGN §4): an object keyed by language tag. That it holds exactly the package's
 * `languages` is a semantic check (it needs the whole package).
 */
export const humanString = z.record(z.string(), nonEmptyString, says('must be an object keyed by language'));
export type HumanString = z.infer<typeof humanString>;

/** A threshold `{num, den}` (DESIGN §4 counting rules): integers only. */
export const fraction = z.strictObject(
  { num: count, den: positiveInt },
  says('must be an object {num, den}'),
);
export type Fraction = z.infer<typeof fraction>;

/** PEM text of one certificate (parsed and checked by the semantic checks). */
export const pemCertificate = z
  .string(says('must be a PEM certificate'))
  .refine((s) => s.includes('-----BEGIN CERTIFICATE-----'), says('must be a PEM certificate'));
