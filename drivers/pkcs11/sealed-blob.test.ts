import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { encodeSealedBlob, encodeSealedHeader, parseSealedBlob, type SealedHeader } from './sealed-blob';

const header: SealedHeader = {
  kioskId: 'ab'.repeat(32),
  purpose: 'kiosk-ml-dsa-65-secret-key',
  keyLabel: 'ogas-kiosk-seal-v1',
  iv: new Uint8Array(12).fill(7),
};
const ciphertext = new Uint8Array(48).fill(9);

describe('sealed blob v1', () => {
  it('lays out magic, version, algorithm, kiosk id, purpose, key label, IV, length, ciphertext', () => {
    const blob = encodeSealedBlob(header, ciphertext);
    const hex = toHex(blob);
    expect(hex.slice(0, 12)).toBe('4f47534c0101');
    expect(hex.slice(12, 76)).toBe('ab'.repeat(32));
    expect(blob[38]).toBe(header.purpose.length);
    expect(blob.length).toBe(4 + 2 + 32 + 1 + 26 + 1 + 18 + 12 + 4 + 48);
    const parsed = parseSealedBlob(blob);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value).toMatchObject({
        version: 1,
        kioskId: header.kioskId,
        purpose: header.purpose,
        keyLabel: header.keyLabel,
      });
      expect(toHex(parsed.value.iv)).toBe(toHex(header.iv));
      expect(toHex(parsed.value.ciphertext)).toBe(toHex(ciphertext));
      expect(toHex(parsed.value.aad)).toBe(toHex(encodeSealedHeader(header)));
    }
  });

  it('names what is wrong: magic, version, truncation, trailing bytes', () => {
    const blob = encodeSealedBlob(header, ciphertext);
    const bad = (bytes: Uint8Array) => {
      const r = parseSealedBlob(bytes);
      return r.ok ? 'accepted' : `${r.error.kind}: ${r.error.message}`;
    };
    expect(bad(new Uint8Array([1, 2, 3]))).toMatch(/blob-malformed.*"OGSL"/);
    const v2 = blob.slice();
    v2[4] = 2;
    expect(bad(v2)).toMatch(/blob-version.*version 2/);
    expect(bad(blob.subarray(0, blob.length - 1))).toMatch(/shorter than its ciphertext length/);
    expect(bad(new Uint8Array([...blob, 0]))).toMatch(/1 unexpected bytes/);
    expect(bad(blob.subarray(0, 20))).toMatch(/inside the kiosk id/);
  });

  it('round-trips any valid header and ciphertext', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/),
        fc.string({ minLength: 1, maxLength: 16 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 16, maxLength: 300 }),
        (kiosk, purpose, keyLabel, iv, ct) => {
          const h = { kioskId: toHex(kiosk), purpose, keyLabel, iv };
          const parsed = parseSealedBlob(encodeSealedBlob(h, ct));
          return (
            parsed.ok &&
            parsed.value.purpose === purpose &&
            parsed.value.keyLabel === keyLabel &&
            toHex(parsed.value.ciphertext) === toHex(ct)
          );
        },
      ),
    );
  });

  it('never throws on random bytes or on mutated blobs', () => {
    const blob = encodeSealedBlob(header, ciphertext);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = parseSealedBlob(bytes);
        return r.ok || r.error.message.length > 0;
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(blob.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const m = blob.slice();
        m[at]! ^= x;
        const r = parseSealedBlob(m);
        // A change either makes the blob unreadable or changes what it says (which the AAD then catches).
        return !r.ok || toHex(encodeSealedBlob(r.value, r.value.ciphertext)) === toHex(m);
      }),
      { numRuns: 2000 },
    );
  });
});
