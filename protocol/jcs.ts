/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), DESIGN §3: every signed or hashed object is the JCS of
 * its JSON value, UTF-8, no trailing newline. Encoding uses `canonicalize` (by an RFC 8785 author);
 * this module adds the refusal of non-canonical input that the ledger needs (DESIGN §6: "refused if
 * not canonical").
 */
import canonicalize from 'canonicalize';
import { utf8 } from './bytes';

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** The JCS text of `value`. Throws on what JSON cannot hold (undefined, NaN, Infinity, lone surrogates). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form (undefined, function or symbol)');
  return text;
}

/** The JCS bytes of `value` (UTF-8). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

export type CanonicalParse =
  { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly error: string };

/**
 * Parses `text` and accepts it only when it is byte-for-byte its own JCS: no whitespace, keys sorted,
 * no duplicate keys, numbers in ECMAScript form, integers within 2^53 (larger ones lose precision in
 * JSON.parse and so re-encode differently).
 */
export function parseCanonical(text: string): CanonicalParse {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  let again: string;
  try {
    again = canonicalJson(value);
  } catch (e) {
    return { ok: false, error: `not canonical JSON: ${(e as Error).message}` };
  }
  if (again !== text) {
    return { ok: false, error: `not canonical JSON (RFC 8785): ${firstDifference(text, again)}` };
  }
  return { ok: true, value };
}

function firstDifference(given: string, canonical: string): string {
  let i = 0;
  while (i < given.length && i < canonical.length && given[i] === canonical[i]) i++;
  const got = JSON.stringify(given.slice(i, i + 12));
  const want = JSON.stringify(canonical.slice(i, i + 12));
  return `at character ${i} found ${got}, canonical form has ${want}`;
}
