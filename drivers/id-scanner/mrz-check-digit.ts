/**
 * ICAO 9303-3 §4.9 check digits, computed independently of the `mrz` library so each of its verdicts
 * is verified rather than trusted: each character gets a value (0–9 for digits, 10–35 for A–Z, 0 for
 * the filler `<`), values are multiplied by the repeating weights 7, 3, 1, and the check digit is the
 * sum modulo 10.
 */

const WEIGHTS = [7, 3, 1] as const;

function charValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  if (c === 0x3c) return 0;
  throw new RangeError('MRZ check digits are defined only over A-Z, 0-9 and <');
}

/** The check digit (0–9) of `field`; throws on characters outside the MRZ alphabet (a caller bug). */
export function mrzCheckDigit(field: string): number {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += charValue(field.charCodeAt(i)) * WEIGHTS[i % 3]!;
  return sum % 10;
}

/** True when `digit` (one character) is the check digit of `field`. */
export function mrzCheckHolds(field: string, digit: string): boolean {
  return /^[0-9]$/.test(digit) && Number(digit) === mrzCheckDigit(field);
}
