import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../drivers/pkcs11/test-ca';
import { toBase64 } from '../bytes';
import { mlDsaKeygen, type MlDsaVerifier } from '../ml-dsa';
import { parseElectionPackage, type LoadedElection } from './parse';
import { formatProblem } from './problems';
import { checkPackageSignatures, signPackage } from './signatures';
import { signedFixture, type Fixture } from './test-fixture';
import { authorityKeyId, parseTrustFile, parseTrustFileText, type TrustFile } from './trust-file';

let fx: Fixture;
let trust: TrustFile;

beforeAll(async () => {
  const voters = await createTestCa('Voters CA');
  const officials = await createTestCa('Officials CA');
  fx = signedFixture({ voters: voters.certificatePem, officials: officials.certificatePem });
  const t = parseTrustFile(fx.trust);
  if (!t.ok) throw new Error('fixture trust file');
  trust = t.value;
});

function load(value: unknown): LoadedElection {
  const r = parseElectionPackage(value);
  if (!r.ok) throw new Error(r.error.map(formatProblem).join('\n'));
  return r.value;
}

describe('package signatures (m of n)', () => {
  it('accepts two valid signatures of a 2-of-3 trust file, sorted by key', () => {
    const election = load(fx.source);
    expect(election.package.signatures).toHaveLength(2);
    const keys = election.package.signatures.map((s) => s.key);
    expect(keys).toEqual([...keys].sort());
    const r = checkPackageSignatures(election, trust);
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.valid).toHaveLength(2);
    expect(r.ok && r.value.messages.at(-1)).toBe('2 valid signature(s) of 2 required: accepted');
  });

  it('refuses a package changed after signing, naming each failing signature', () => {
    const changed = JSON.parse(JSON.stringify(fx.source));
    changed.window.closes = '2030-05-09T20:00:00+02:00';
    const r = checkPackageSignatures(load(changed), trust);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.invalid).toHaveLength(2);
    expect(r.error.messages[0]).toMatch(/does NOT verify: the package was changed after signing/);
    expect(r.error.messages.at(-1)).toBe('only 0 valid signature(s); the trust file requires 2: refused');
  });

  it('counts one valid signature as not enough and lists unknown keys apart', () => {
    const outsider = mlDsaKeygen(65);
    const one = { ...fx.source, signatures: fx.source.signatures.slice(0, 1) };
    const plus = signPackage(one, outsider.secretKey, outsider.publicKey);
    expect(plus.ok).toBe(true);
    if (!plus.ok) return;
    const r = checkPackageSignatures(load(plus.value), trust);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.valid).toHaveLength(1);
    expect(r.error.unknown).toEqual([authorityKeyId(outsider.publicKey)]);
    expect(r.error.messages.join('\n')).toMatch(/is not in the trust file \(not counted\)/);
  });

  it('adding the third authority keeps the list sorted; a second signature by one key is refused', () => {
    const third = fx.authorities[2]!;
    const all = signPackage(fx.source, third.secretKey, third.publicKey);
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    const keys = all.value.signatures.map((s) => s.key);
    expect(keys).toEqual(fx.authorities.map((a) => authorityKeyId(a.publicKey)).sort());
    const r = checkPackageSignatures(load(all.value), trust);
    expect(r.ok && r.value.valid).toHaveLength(3);
    const again = signPackage(all.value, third.secretKey, third.publicKey);
    expect(again).toEqual({
      ok: false,
      error: `the package already has a signature by key ${authorityKeyId(third.publicKey)}`,
    });
    const mismatched = signPackage(fx.source, third.secretKey, fx.authorities[0]!.publicKey);
    expect(mismatched).toEqual({
      ok: false,
      error: 'the secret key does not belong to the given public key',
    });
  });

  it('the signature does not cover the signatures list, and the verifier is pluggable', () => {
    const election = load(fx.source);
    const calls: number[] = [];
    const counting: MlDsaVerifier = {
      name: 'counting',
      verify: (level) => {
        calls.push(level);
        return true;
      },
    };
    expect(checkPackageSignatures(election, trust, counting).ok).toBe(true);
    expect(calls).toEqual([65, 65]);
    // Both signatures cover the same bytes: electionId does not change as signatures are added.
    const unsigned = load({ ...fx.source, signatures: [] });
    expect(unsigned.electionId).toBe(election.electionId);
  });
});

describe('trust file', () => {
  it('names every problem', () => {
    const key = toBase64(fx.authorities[0]!.publicKey);
    const bad = parseTrustFile({ keys: [key, key, 'AAAA'], m: 4 });
    expect(bad.ok ? [] : bad.error.map(formatProblem)).toEqual([
      'keys[1]: this key is listed twice',
      'keys[2]: must be an ML-DSA-65 public key of 1952 bytes, got 3',
      'm: is 4 but only 3 key(s) are listed',
    ]);
    const shape = parseTrustFile({ keys: [], m: 0, extra: true });
    expect(shape.ok ? [] : shape.error.map(formatProblem)).toEqual([
      'keys: must list at least one key',
      'm: must be a positive integer',
      'extra: unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
    ]);
    const text = parseTrustFileText('nope');
    expect(!text.ok && text.error[0]!.message).toMatch(/not JSON/);
  });
});
