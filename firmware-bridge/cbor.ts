/**
 * CBOR for SMP bodies (RFC 8949), through cbor-x.
 *
 * Zephyr decodes requests with zcbor, which reads definite- and indefinite-length maps; we always send
 * definite lengths with the shortest heads (RFC 8949 §4.2.1 "preferred serialization"): cbor-x does that
 * with records off, `variableMapSize` on and no tag 64 on byte strings (checked in smp-packet.test.ts). Keys are written in the order the caller gives them. Only the value kinds SMP uses are
 * accepted (text, integers, booleans, byte strings, arrays and maps with text keys); a float, undefined
 * or class instance is a bug in our code and throws.
 *
 * Decoding takes anything a peer may send, indefinite-length maps included (old Mynewt firmware sends
 * those, mynewt-mcumgr protocol.md), and returns a plain object for a map at the top; a malformed body
 * is an error value, never an exception.
 */
import { Decoder, Encoder, type Options } from 'cbor-x';
import { err, ok, type Result } from '../protocol/result';

export type CborValue =
  string | number | boolean | Uint8Array | readonly CborValue[] | { readonly [key: string]: CborValue };

export type CborMap = { readonly [key: string]: CborValue };

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
});

// `int64AsNumber` (a documented cbor-x option missing from its typings): a 64-bit integer head comes
// back as a number, which the schemas then range-check, rather than as a bigint they would refuse.
const decoderOptions: Options & { readonly int64AsNumber: boolean } = {
  useRecords: false,
  mapsAsObjects: true,
  int64AsNumber: true,
};
const decoder = new Decoder(decoderOptions);

export function encodeCbor(value: CborMap): Uint8Array {
  // cbor-x hands back a view of a buffer it reuses, so take a copy that stays ours.
  return Uint8Array.from(encoder.encode(prepare(value, 'body')));
}

/** Decodes an SMP body, which must be one CBOR map (SMP Protocol Specification §Minimal response). */
export function decodeCborMap(bytes: Uint8Array): Result<Record<string, unknown>, string> {
  if (bytes.length === 0) return err('the SMP body is empty where a CBOR map was expected');
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (e) {
    return err(`the SMP body is not valid CBOR: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    return err('the SMP body is CBOR but not a map');
  return ok(value as Record<string, unknown>);
}

function prepare(value: CborValue, path: string): unknown {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`${path}: SMP bodies carry integers only (${value})`);
    // Beyond 32 bits cbor-x would write a float; a bigint gets a 64-bit integer head.
    return Math.abs(value) >= 2 ** 32 ? BigInt(value) : value;
  }
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return (value as readonly CborValue[]).map((v, i) => prepare(v, `${path}[${i}]`));
  const proto: unknown = Object.getPrototypeOf(value);
  if (typeof value !== 'object' || (proto !== Object.prototype && proto !== null))
    throw new TypeError(`${path}: not a plain CBOR value`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, CborValue | undefined>)) {
    if (v === undefined) throw new TypeError(`${path}.${k} is undefined: leave the key out instead`);
    out[k] = prepare(v, `${path}.${k}`);
  }
  return out;
}
