import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../bytes';
import { sha256, sha512 } from '../hash';
import { leafHash, rootFromLeafHashes } from '../merkle/index';
import { rollRoot, sortRoll, type RollRecord } from './roll';
import { checkReveals, computeSample, sampleCommit, sampleSeed, sampleTicket } from './sample';
import type { VoterRef } from './voter-ref';

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex);

const rollArb = fc.uniqueArray(hex32, { minLength: 1, maxLength: 60 }).map((refs) =>
  refs.map((voterRef, i): RollRecord => ({
    voterRef: voterRef as VoterRef,
    country: i % 2 ? 'FRA' : 'DEU',
    style: `s${i % 3}`,
  })),
);
const bigRollArb = fc
  .uniqueArray(hex32, { minLength: 20, maxLength: 60 })
  .map((refs) =>
    refs.map((voterRef): RollRecord => ({ voterRef: voterRef as VoterRef, country: 'FRA', style: 's' })),
  );
const secretsArb = fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 4 });

function input(roll: RollRecord[], secrets: Uint8Array[], k: number) {
  return { roll, commits: secrets.map(sampleCommit), reveals: secrets.map(toHex), k };
}

describe('sample (DESIGN §4 step 4), written out literally', () => {
  it('matches a literal reading of the rule on a small case', () => {
    const roll: RollRecord[] = ['cc', 'aa', 'bb', 'dd'].map((c, i) => ({
      voterRef: c.repeat(32) as VoterRef,
      country: 'FRA',
      style: `s${i}`,
    }));
    const r1 = new Uint8Array(32).fill(1);
    const r2 = new Uint8Array(32).fill(2);
    const out = computeSample(input(roll, [r1, r2], 2));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    // rollRoot: RFC 6962 root over JCS of each record, sorted by voterRef.
    const sorted = [...roll].sort((a, b) => (a.voterRef < b.voterRef ? -1 : 1));
    const leaves = sorted.map((r) =>
      leafHash(utf8(`{"country":"${r.country}","style":"${r.style}","voterRef":"${r.voterRef}"}`)),
    );
    const root = rootFromLeafHashes(leaves);
    expect(out.value.rollRoot).toBe(toHex(root));
    const seed = sha512(utf8('ogas-sample-v1'), root, r1, r2);
    expect(out.value.seed).toBe(toHex(seed));
    const byTicket = [...sorted].sort((a, b) =>
      Buffer.compare(sha256(seed, fromHex(a.voterRef)), sha256(seed, fromHex(b.voterRef))),
    );
    const want = byTicket.slice(0, 2).sort((a, b) => (a.voterRef < b.voterRef ? -1 : 1));
    expect(out.value.selected).toEqual(want);
    expect(sampleCommit(r1)).toBe(toHex(sha256(utf8('ogas-sample-commit-v1'), r1)));
    expect(toHex(sampleTicket(seed, sorted[0]!.voterRef))).toBe(
      toHex(sha256(seed, fromHex(sorted[0]!.voterRef))),
    );
    expect(toHex(sampleSeed(toHex(root), [r1, r2]))).toBe(toHex(seed));
  });
});

describe('sample properties', () => {
  it('is reproducible and independent of the roll order', () => {
    fc.assert(
      fc.property(
        rollArb,
        secretsArb,
        fc.integer({ min: 1, max: 80 }),
        fc.integer(),
        (roll, secrets, k, shift) => {
          const a = computeSample(input(roll, secrets, k));
          const shuffled = roll.map((_, i) => roll[(i + Math.abs(shift)) % roll.length]!).reverse();
          const b = computeSample(input(shuffled, secrets, k));
          expect(a).toEqual(b);
          expect(a).toEqual(computeSample(input(roll, secrets, k)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('selects min(k, n) distinct roll records, sorted by voterRef', () => {
    fc.assert(
      fc.property(rollArb, secretsArb, fc.integer({ min: 1, max: 80 }), (roll, secrets, k) => {
        const out = computeSample(input(roll, secrets, k));
        expect(out.ok).toBe(true);
        if (!out.ok) return;
        const sel = out.value.selected;
        expect(sel).toHaveLength(Math.min(k, roll.length));
        for (let i = 1; i < sel.length; i++) expect(sel[i - 1]!.voterRef < sel[i]!.voterRef).toBe(true);
        const onRoll = new Set(roll.map((r) => JSON.stringify(r)));
        for (const s of sel) expect(onRoll.has(JSON.stringify(s))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('changes the seed and the sample when any reveal changes', () => {
    fc.assert(
      fc.property(
        bigRollArb,
        secretsArb,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (roll, secrets, which, bit) => {
          const k = Math.floor(roll.length / 2);
          const i = which % secrets.length;
          const changed = secrets.map((s, j) =>
            j === i ? s.map((b, n) => (n === bit % 32 ? b ^ (1 << (bit % 8)) : b)) : s,
          );
          const a = computeSample(input(roll, secrets, k));
          const b = computeSample(input(roll, changed, k));
          expect(a.ok && b.ok).toBe(true);
          if (!a.ok || !b.ok) return;
          expect(b.value.seed).not.toBe(a.value.seed);
          // With n ≥ 20 and k = n/2, two independent draws coincide with probability 1/C(n, k) < 1e-5.
          expect(b.value.selected).not.toEqual(a.value.selected);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('checkReveals names the party at fault', () => {
  const s = [1, 2, 3].map((b) => new Uint8Array(32).fill(b));
  const commits = s.map(sampleCommit);

  it('accepts matching reveals in commit order', () => {
    expect(checkReveals(commits, s.map(toHex)).ok).toBe(true);
  });

  it('names a wrong reveal, a missing reveal, bad hex, a copied commit and extra reveals', () => {
    const wrong = checkReveals(commits, [toHex(s[0]!), toHex(s[2]!), toHex(s[1]!)]);
    expect(wrong.ok ? [] : wrong.error).toEqual([
      { party: 2, message: 'reveal 2 does not match commit 2: party 2 revealed a different secret' },
      { party: 3, message: 'reveal 3 does not match commit 3: party 3 revealed a different secret' },
    ]);
    const missing = checkReveals(commits, [toHex(s[0]!), toHex(s[1]!)]);
    expect(missing.ok ? [] : missing.error).toEqual([
      {
        party: 3,
        message: 'party 3 did not reveal: the draw must restart with fresh commits from all parties',
      },
    ]);
    const hex = checkReveals(commits, [toHex(s[0]!), 'XY', toHex(s[2]!)]);
    expect(!hex.ok && hex.error[0]).toEqual({
      party: 2,
      message: 'reveal 2 is not 64 lowercase hex characters',
    });
    const copied = checkReveals([commits[0]!, commits[0]!], [toHex(s[0]!), toHex(s[0]!)]);
    expect(!copied.ok && copied.error[0]!.message).toBe(
      'commit 2 repeats commit 1 (a copied commit adds no randomness)',
    );
    const extra = checkReveals(commits.slice(0, 1), [toHex(s[0]!), toHex(s[1]!)]);
    expect(!extra.ok && extra.error).toEqual([
      { party: 0, message: '2 reveals for 1 commits: each reveal needs a commit' },
    ]);
    expect(checkReveals([], []).ok).toBe(false);
  });

  it('computeSample refuses a roll with a voter twice and a bad k', () => {
    const rec = { voterRef: 'ab'.repeat(32) as VoterRef, country: 'FRA', style: 's' };
    const twice = computeSample({ roll: [rec, rec], commits, reveals: s.map(toHex), k: 1 });
    expect(!twice.ok && twice.error[0]!.message).toBe(`voterRef ${rec.voterRef} is on the roll twice`);
    const k0 = computeSample({ roll: [rec], commits, reveals: s.map(toHex), k: 0 });
    expect(!k0.ok && k0.error[0]!.message).toBe('k must be a positive integer, got 0');
  });
});

describe('roll', () => {
  it('rollRoot refuses an unsorted roll (a caller bug) and sortRoll sorts', () => {
    const a = { voterRef: 'bb'.repeat(32) as VoterRef, country: 'FRA', style: 's' };
    const b = { voterRef: 'aa'.repeat(32) as VoterRef, country: 'FRA', style: 's' };
    expect(() => rollRoot([a, b])).toThrow(/not sorted by voterRef at record 1/);
    const sorted = sortRoll([a, b]);
    expect(sorted.ok && sorted.value.map((r) => r.voterRef)).toEqual([b.voterRef, a.voterRef]);
    expect(rollRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
