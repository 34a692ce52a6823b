/**
 * RFC 8785 (JCS): the RFC's own examples (§3.2.2 serialization, §3.2.3 sorting, Appendix B numbers),
 * a cross-check against `canonicalize` (by an RFC 8785 author) on random values, stability, and the
 * refusal of non-canonical input.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseCanonical } from './jcs';

describe('RFC 8785 examples', () => {
  it('§3.2.2: literals, numbers and string escapes', () => {
    const input =
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
      '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: members sorted by UTF-16 code units', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order from the text: Object.keys would list the integer-like "1" first.
    const text = canonicalJson(input);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) =>
      text.indexOf(`${JSON.stringify(k)}:`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  // Appendix B: IEEE 754 bit patterns and their canonical text.
  const numbers: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(numbers)('Appendix B: %s → %s', (bits, text) => {
    expect(canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))).toBe(text);
  });

  it('refuses what has no JSON form', () => {
    expect(() => canonicalJson(NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson('\ud800')).toThrow('lone surrogate');
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow('lone surrogate');
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe('against canonicalize and itself', () => {
  it('equals canonicalize on random JSON values', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 5_000 },
    );
  });
  it('is stable: parse(jcs(v)) re-encodes to the same text, and parseCanonical accepts it', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(parseCanonical(text).ok).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
  it('does not depend on member insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(d));
      }),
    );
  });
});

describe('parseCanonical', () => {
  it.each([
    ['{"b":1,"a":2}', 'not canonical'],
    ['{"a": 1}', 'not canonical'],
    ['{"a":1.0}', 'not canonical'],
    ['{"a":-0}', 'not canonical'],
    ['{"a":1,"a":2}', 'not canonical'],
    ['{"a":9007199254740993}', 'not canonical'],
    ['{"a":"\\u0041"}', 'not canonical'],
    ['{"a":1}\n', 'not canonical'],
    ['{"a":', 'not JSON'],
  ])('refuses %s', (text, why) => {
    const r = parseCanonical(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
  it.each([
    // Array-index names: V8 lists them first in numeric order, JCS sorts them as strings.
    ['{"10":1,"9":2}', true],
    ['{"9":2,"10":1}', false],
    ['{"1":{"a":[{"2":0,"b":1}]}}', true],
    // A lone surrogate (JCS refuses it; JSON.stringify would re-escape it identically).
    ['{"a":"\\ud800"}', false],
    ['{"a":"\\\\ud800"}', true],
    ['{"\\udfff":1}', false],
    ['{"a":"😀"}', true],
  ])('decides %s canonical = %s as the full check does', (text, canonical) => {
    expect(parseCanonical(text).ok).toBe(canonical);
  });
  it('accepts a text exactly when canonicalize re-encodes it to itself (random texts, reordered)', () => {
    fc.assert(
      fc.property(jsonValue, fc.boolean(), (v, shuffle) => {
        // Stringify in insertion order (reversed when `shuffle`): canonical only by chance.
        const text = JSON.stringify(shuffle ? reorder(v) : v);
        let expected: boolean;
        try {
          expected =
            canonicalize(JSON.parse(text)) === text && text.isWellFormed() && !/\\ud[89a-f]/.test(text);
        } catch {
          expected = false;
        }
        expect(parseCanonical(text).ok).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });
  it('names where the text first differs from its canonical form', () => {
    const r = parseCanonical('{"b":1,"a":2}');
    expect(!r.ok && r.error).toContain('at character 2');
  });
});

/** The same value with every object's members in reverse insertion order. */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reorder(x)]),
  );
}
