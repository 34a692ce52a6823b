/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), DESIGN §3: every signed or hashed object is the JCS of
 * its JSON value, UTF-8, no trailing newline; and the refusal of non-canonical input that the ledger
 * needs (DESIGN §6: "refused if not canonical").
 *
 * Written here rather than taken from `canonicalize` (by an RFC 8785 author) because this is the
 * ledger's and the auditor's hot path: that library checks every string for lone surrogates one char
 * at a time in JavaScript, the largest cost of parsing a 10 KB entry. The rules are few:
 * RFC 8785 §3.2.2.2 strings and §3.2.2.3 numbers serialize exactly as ECMAScript JSON.stringify
 * (once lone surrogates are refused, §3.2.2.2); §3.2.3 object members are sorted by their names'
 * UTF-16 code units, which is Array.prototype.sort's default order. The tests check this module
 * against `canonicalize` on random values and against the RFC's own examples.
 */
import { utf8 } from './bytes';

function serialize(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form (RFC 8785 §3.2.2.3)`);
      out.push(JSON.stringify(value));
      return;
    case 'string':
      if (!value.isWellFormed()) throw new TypeError('a string holds a lone surrogate (RFC 8785 §3.2.2.2)');
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          // As JSON.stringify: an array slot with no JSON form is null.
          serialize(
            item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item,
            out,
          );
        }
        out.push(']');
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      out.push('{');
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        if (!first) out.push(',');
        first = false;
        if (!key.isWellFormed())
          throw new TypeError('a member name holds a lone surrogate (RFC 8785 §3.2.2.2)');
        out.push(JSON.stringify(key), ':');
        serialize(v, out);
      }
      out.push('}');
      return;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
}

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** The JCS text of `value`. Throws on what JSON cannot hold (undefined, NaN, Infinity, lone surrogates). */
export function canonicalJson(value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError('value has no JSON form (undefined, function or symbol)');
  }
  const out: string[] = [];
  serialize(value, out);
  return out.join('');
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
  if (isCanonicalFast(text, value)) return { ok: true, value };
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

/**
 * The ledger's hot path (every entry of every request): true only when `text` is certainly the JCS of
 * `value`, decided by the native JSON.stringify instead of the serializer above. Sound because
 * JSON.stringify writes members in Object.keys order, and JSON.parse keeps the text's order (for names
 * that are not array indexes, which V8 puts first in numeric order); so when every object's keys are
 * strictly sorted by UTF-16 code units and the re-stringified text is identical, the text has JCS's
 * order, escapes and number forms. Lone surrogates (which JCS refuses and JSON.stringify escapes as
 * `\udXXX`) and anything else unusual fall through to the full check, which gives the precise error.
 */
function isCanonicalFast(text: string, value: JsonValue): boolean {
  if (!text.isWellFormed() || text.includes('\\ud') || !keysSorted(value)) return false;
  return JSON.stringify(value) === text;
}

function keysSorted(value: JsonValue): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value as readonly JsonValue[]) if (!keysSorted(item)) return false;
    return true;
  }
  const record = value as { readonly [k: string]: JsonValue };
  let prev: string | undefined;
  for (const key of Object.keys(record)) {
    if (prev !== undefined && !(prev < key)) return false;
    prev = key;
    if (!keysSorted(record[key]!)) return false;
  }
  return true;
}

function firstDifference(given: string, canonical: string): string {
  let i = 0;
  while (i < given.length && i < canonical.length && given[i] === canonical[i]) i++;
  const got = JSON.stringify(given.slice(i, i + 12));
  const want = JSON.stringify(canonical.slice(i, i + 12));
  return `at character ${i} found ${got}, canonical form has ${want}`;
}
