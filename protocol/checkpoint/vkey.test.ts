import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { mlDsaKeygen } from '../ml-dsa';
import { TORCHWOOD_SEED_HEX, TORCHWOOD_VKEY } from './testdata/torchwood-mldsa';
import { cosignerKey, encodeVkey, keyId, parseVkey } from './vkey';

const pk = mlDsaKeygen(44, new Uint8Array(32).fill(7)).publicKey;

describe('ML-DSA-44 cosigner keys (C2SP tlog-cosignature "Format")', () => {
  it('key ID = SHA-256(name ‖ "\\n" ‖ 0x06 ‖ key)[:4]', () => {
    const manual = sha256(concatBytes(utf8('w.example/1'), new Uint8Array([0x0a, 0x06]), pk)).slice(0, 4);
    expect(toHex(keyId('w.example/1', pk))).toBe(toHex(manual));
  });

  it('parses the torchwood vkey, whose key is the one its published seed makes (FIPS 204 KeyGen)', () => {
    const key = parseVkey(TORCHWOOD_VKEY);
    if (!key.ok) throw new Error(key.error);
    expect(key.value.name).toBe('example.com/mldsa-log');
    expect(toHex(key.value.keyId)).toBe('b5df45c5');
    expect(toHex(key.value.publicKey)).toBe(toHex(mlDsaKeygen(44, fromHex(TORCHWOOD_SEED_HEX)).publicKey));
    expect(encodeVkey(key.value.name, key.value.publicKey)).toBe(TORCHWOOD_VKEY);
  });

  it('round-trips names', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9./_-]{1,40}$/), (name) => {
        const back = parseVkey(encodeVkey(name, pk));
        expect(back.ok && back.value).toEqual(cosignerKey(name, pk));
      }),
      { numRuns: 30 },
    );
  });

  it('refuses malformed or mismatched vkeys with the reason', () => {
    const good = encodeVkey('w.example/1', pk);
    const name = good.slice(0, good.indexOf('+'));
    const id = good.slice(name.length + 1, name.length + 9);
    const b64 = good.slice(name.length + 10);
    const cases: [string, RegExp][] = [
      ['nothing', /is not <name>\+<key ID>\+<key>/],
      [`${name}+${id.toUpperCase()}+${b64}`, /key ID "[0-9A-F]{8}" is not 8 lowercase hex digits/],
      [`${name}+00000000+${b64}`, /key ID 00000000 does not match its name and key/],
      [`other+${id}+${b64}`, /does not match its name and key/],
      [`${name}+${id}+${b64.slice(0, -4)}`, /ML-DSA-44 public key is \d+ bytes, not 1312/],
      [
        `${name}+${id}+${toBase64(concatBytes(new Uint8Array([1]), pk))}`,
        /signature type 0x01 is not ML-DSA-44/,
      ],
      [`${name}+${id}+`, /signature type missing/],
      [`${name}+${id}+${b64} `, /not canonical standard base64/],
      [` ${good}`, /name " w.example\/1" is empty or contains a space/],
    ];
    for (const [vkey, why] of cases) {
      const r = parseVkey(vkey);
      expect(r.ok, vkey.slice(0, 30)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(why);
    }
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(typeof parseVkey(s).ok).toBe('boolean');
      }),
    );
  });
});
