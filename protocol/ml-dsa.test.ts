/**
 * ML-DSA through our wrappers against C2SP/wycheproof vectors (test/vectors/mldsa, a copy of shared/vectors): key generation from
 * a seed, signing with and without context (deterministic and with a given `rnd`), verification of valid
 * and invalid signatures; every verification through both backends, noble and the native PQClean one,
 * so the two are cross-checked on the same data.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { fromHex, toHex, utf8 } from './bytes';
import {
  mlDsaKeygen,
  mlDsaSign,
  mlDsaSignRaw,
  mlDsaVerify,
  nobleVerifier,
  type MlDsaVerifier,
} from './ml-dsa';
import { loadNativeMlDsa } from '../native/ml-dsa';

interface WycheproofTest {
  tcId: string;
  comment: string;
  msg?: string;
  ctx?: string;
  mu?: string;
  rnd?: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface WycheproofGroup {
  privateSeed?: string;
  publicKey?: string;
  tests: WycheproofTest[];
}
function load(name: string): WycheproofGroup[] {
  const url = new URL(`../test/vectors/mldsa/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { testGroups: WycheproofGroup[] }).testGroups;
}

const native = loadNativeMlDsa();
const verifiers: MlDsaVerifier[] = [nobleVerifier];
if (native.ok) verifiers.push(native.verifier);

describe('native backend', () => {
  it('is built on this machine (scripts/build-native.mjs ran at install)', () => {
    expect(native.ok ? 'built' : native.reason).toBe('built');
  });
});

describe('Wycheproof ML-DSA-65 sign (seed)', () => {
  const groups = load('mldsa_65_sign_seed_test.json');
  let count = 0;
  for (const group of groups) {
    for (const t of group.tests) {
      count++;
      it(`tcId ${t.tcId}: ${t.comment} (${t.result})`, () => {
        const seed = fromHex(group.privateSeed ?? '');
        if (t.result === 'invalid') {
          // Every invalid case here is a bad seed length or an over-long context: our wrapper refuses.
          expect(() => {
            const { secretKey } = mlDsaKeygen(65, seed);
            mlDsaSignRaw(65, secretKey, fromHex(t.msg ?? ''), fromHex(t.ctx ?? ''), {
              rnd: new Uint8Array(32),
            });
          }).toThrow(RangeError);
          return;
        }
        const { publicKey, secretKey } = mlDsaKeygen(65, seed);
        if (group.publicKey) expect(toHex(publicKey)).toBe(group.publicKey);
        const rnd = t.rnd ? fromHex(t.rnd) : new Uint8Array(32);
        const ctx = fromHex(t.ctx ?? '');
        if (t.flags.includes('Internal')) {
          // ML-DSA.Sign_internal over a given mu (FIPS 204 Algorithm 7 with external mu): checks the
          // signing core our wrapper uses, for the rejection-sampling boundary cases.
          const sig = ml_dsa65.internal.sign(fromHex(t.mu!), secretKey, {
            externalMu: true,
            extraEntropy: rnd,
          });
          expect(toHex(sig)).toBe(t.sig);
          return;
        }
        const msg = fromHex(t.msg!);
        const sig = mlDsaSignRaw(65, secretKey, msg, ctx, { rnd });
        expect(toHex(sig)).toBe(t.sig);
        for (const v of verifiers) {
          expect(v.verify(65, publicKey, msg, sig, ctx), v.name).toBe(true);
          // The same signature under another context must fail (domain separation, FIPS 204 §5.2).
          expect(v.verify(65, publicKey, msg, sig, utf8('ogas-ballot-v1')), v.name).toBe(false);
        }
      });
    }
  }
  it('covers the whole file', () => expect(count).toBe(105));
});

describe('native signer (PQClean, hedged)', () => {
  const signer = native.ok ? native.signer : undefined;
  it.runIf(signer)('signs every valid Wycheproof ML-DSA-65 key/message/context; noble verifies it', () => {
    let signed = 0;
    for (const group of load('mldsa_65_sign_seed_test.json')) {
      for (const t of group.tests) {
        if (t.result === 'invalid' || t.flags.includes('Internal')) continue;
        const { publicKey, secretKey } = mlDsaKeygen(65, fromHex(group.privateSeed ?? ''));
        const msg = fromHex(t.msg!);
        const ctx = fromHex(t.ctx ?? '');
        const sig = signer!.sign(65, secretKey, msg, ctx);
        expect(nobleVerifier.verify(65, publicKey, msg, sig, ctx), `tcId ${t.tcId}`).toBe(true);
        expect(nobleVerifier.verify(65, publicKey, msg, sig, utf8('ogas-ballot-v1'))).toBe(false);
        signed++;
      }
    }
    expect(signed).toBeGreaterThan(20);
  });
  it.runIf(signer)('signs checkpoints (ML-DSA-44, empty context) that noble verifies; hedged', () => {
    const { publicKey, secretKey } = mlDsaKeygen(44);
    const m = utf8('origin\n1\nroot\n');
    const a = mlDsaSign('checkpoint', secretKey, m, signer);
    const b = mlDsaSign('checkpoint', secretKey, m, signer);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(mlDsaVerify('checkpoint', publicKey, m, a)).toBe(true);
    expect(mlDsaVerify('checkpoint', publicKey, m, b)).toBe(true);
  });
  it.runIf(signer)('refuses a secret key of the wrong size and a context over 255 bytes', () => {
    const { secretKey } = mlDsaKeygen(65);
    expect(() => signer!.sign(44, secretKey, utf8('x'), new Uint8Array())).toThrow(/2560 bytes/);
    expect(() => signer!.sign(65, secretKey, utf8('x'), new Uint8Array(256))).toThrow(RangeError);
  });
});

describe('Wycheproof ML-DSA-44 verify', () => {
  const groups = load('mldsa_44_verify_test.json');
  let count = 0;
  for (const group of groups) {
    for (const t of group.tests) {
      count++;
      it(`tcId ${t.tcId}: ${t.comment} (${t.result})`, () => {
        const pk = fromHex(group.publicKey ?? '');
        const want = t.result === 'valid';
        for (const v of verifiers) {
          expect(v.verify(44, pk, fromHex(t.msg ?? ''), fromHex(t.sig), fromHex(t.ctx ?? '')), v.name).toBe(
            want,
          );
        }
      });
    }
  }
  it('covers the whole file', () => expect(count).toBe(180));
});

describe('purpose-bound signatures (DESIGN §3)', () => {
  it('a ballot signature does not verify as a check-in', () => {
    const { publicKey, secretKey } = mlDsaKeygen(65);
    const msg = utf8('{"v":1}');
    const sig = mlDsaSign('ballot', secretKey, msg);
    for (const v of verifiers) {
      expect(mlDsaVerify('ballot', publicKey, msg, sig, v)).toBe(true);
      expect(mlDsaVerify('checkin', publicKey, msg, sig, v)).toBe(false);
    }
  });
  it('hedged: two signatures of one message differ and both verify', () => {
    const { publicKey, secretKey } = mlDsaKeygen(65);
    const msg = utf8('same');
    const a = mlDsaSign('batch', secretKey, msg);
    const b = mlDsaSign('batch', secretKey, msg);
    expect(toHex(a)).not.toBe(toHex(b));
    for (const v of verifiers) {
      expect(mlDsaVerify('batch', publicKey, msg, a, v)).toBe(true);
      expect(mlDsaVerify('batch', publicKey, msg, b, v)).toBe(true);
    }
  });
  it('checkpoints are ML-DSA-44 with the empty context', () => {
    const { publicKey, secretKey } = mlDsaKeygen(44);
    const msg = utf8('subtree/v1');
    const sig = mlDsaSign('checkpoint', secretKey, msg);
    expect(sig.length).toBe(2420);
    for (const v of verifiers) expect(v.verify(44, publicKey, msg, sig, new Uint8Array())).toBe(true);
  });
  it('verifiers return false (never throw) on wrong sizes', () => {
    for (const v of verifiers) {
      expect(v.verify(65, new Uint8Array(3), new Uint8Array(), new Uint8Array(3309), new Uint8Array())).toBe(
        false,
      );
      expect(v.verify(65, new Uint8Array(1952), new Uint8Array(), new Uint8Array(10), new Uint8Array())).toBe(
        false,
      );
      expect(
        v.verify(65, new Uint8Array(1952), new Uint8Array(), new Uint8Array(3309), new Uint8Array(256)),
      ).toBe(false);
    }
  });
});
