import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, fromBase64, fromHex, isBase64, isHex, toBase64, toHex, u64be } from './bytes';

describe('hex', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromHex(toHex(b))).toEqual(b);
      }),
    );
  });
  it('refuses uppercase, odd length and junk', () => {
    expect(isHex('ABCD')).toBe(false);
    expect(isHex('abc')).toBe(false);
    expect(isHex('ab', 2)).toBe(false);
    expect(() => fromHex('zz')).toThrow('not lowercase hex');
  });
});

describe('base64 (RFC 4648 §4)', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromBase64(toBase64(b))).toEqual(b);
      }),
    );
  });
  it('refuses missing padding, URL-safe alphabet, whitespace and non-zero pad bits (§3.5)', () => {
    expect(isBase64('QQ')).toBe(false);
    expect(isBase64('-_==')).toBe(false);
    expect(isBase64('QQ ==')).toBe(false);
    expect(isBase64('QQ==')).toBe(true);
    expect(isBase64('QR==')).toBe(false);
    expect(() => fromBase64('QR==')).toThrow('not canonical');
  });
});

describe('u64be and compare', () => {
  it('encodes big-endian and refuses what it cannot hold', () => {
    expect(toHex(u64be(258))).toBe('0000000000000102');
    expect(() => u64be(-1)).toThrow(RangeError);
    expect(() => u64be(2 ** 53)).toThrow(RangeError);
  });
  it('compares big-endian', () => {
    expect(compareBytes(fromHex('0100'), fromHex('00ff'))).toBeGreaterThan(0);
  });
});

describe('isBase64 matches the RFC 4648 grammar', () => {
  const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  it('agrees with the grammar plus the zero pad-bit rule on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgw+/=-_ \nz9'.split('')), maxLength: 12 }), (s) => {
        const canonical = grammar.test(s) && Buffer.from(s, 'base64').toString('base64') === s;
        expect(isBase64(s)).toBe(canonical);
      }),
      { numRuns: 20_000 },
    );
  });
});
