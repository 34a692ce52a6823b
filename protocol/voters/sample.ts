/**
 * The random voter sample (DESIGN §4 "Voters, credentials and the random sample", step 4).
 *
 * Each of n parties commits to a secret 32-byte r_i with SHA-256("ogas-sample-commit-v1" ‖ r_i) after
 * rollRoot is published, and reveals r_i once all commits are in. seed = SHA-512("ogas-sample-v1" ‖
 * rollRoot ‖ r_1 ‖ … ‖ r_n) in commit order; ticket(v) = SHA-256(seed ‖ voterRef bytes); the sample is
 * the k roll records with the smallest tickets (big-endian), listed sorted by voterRef. Hex values enter
 * the hashes as raw bytes (DESIGN §3).
 */
import { compareBytes, fromHex, isHex, toHex, utf8 } from '../bytes';
import { sha256, sha512 } from '../hash';
import { err, ok, type Result } from '../result';
import { rollRoot, sortRoll, type RollRecord } from './roll';

const COMMIT_TAG = utf8('ogas-sample-commit-v1');
const SEED_TAG = utf8('ogas-sample-v1');
export const SAMPLE_SECRET_BYTES = 32;

/** commit_i for a party's secret r_i (hex). */
export function sampleCommit(secret: Uint8Array): string {
  if (secret.length !== SAMPLE_SECRET_BYTES)
    throw new RangeError(`sample secret must be ${SAMPLE_SECRET_BYTES} bytes, got ${secret.length}`);
  return toHex(sha256(COMMIT_TAG, secret));
}

/** One problem with the parties' commits and reveals, naming the party (1-based, in commit order). */
export interface RevealProblem {
  /** 1-based position in `commits`; 0 when the problem is with the lists themselves. */
  readonly party: number;
  readonly message: string;
}

/**
 * Checks every reveal against its commit, naming each party at fault. A missing reveal means the draw
 * restarts with fresh commits from all parties (DESIGN §4), so it is reported, never worked around.
 */
export function checkReveals(
  commits: readonly string[],
  reveals: readonly string[],
): Result<Uint8Array[], RevealProblem[]> {
  const problems: RevealProblem[] = [];
  if (commits.length === 0)
    problems.push({ party: 0, message: 'no commits: at least one party must take part' });
  const seen = new Map<string, number>();
  for (const [i, c] of commits.entries()) {
    if (!isHex(c, 32))
      problems.push({ party: i + 1, message: `commit ${i + 1} is not 64 lowercase hex characters` });
    const first = seen.get(c);
    if (first !== undefined) {
      problems.push({
        party: i + 1,
        message: `commit ${i + 1} repeats commit ${first} (a copied commit adds no randomness)`,
      });
    } else seen.set(c, i + 1);
  }
  const secrets: Uint8Array[] = [];
  for (const [i, commit] of commits.entries()) {
    const reveal = reveals[i];
    const party = i + 1;
    if (reveal === undefined) {
      problems.push({
        party,
        message: `party ${party} did not reveal: the draw must restart with fresh commits from all parties`,
      });
      continue;
    }
    if (!isHex(reveal, SAMPLE_SECRET_BYTES)) {
      problems.push({
        party,
        message: `reveal ${party} is not ${SAMPLE_SECRET_BYTES * 2} lowercase hex characters`,
      });
      continue;
    }
    const secret = fromHex(reveal);
    if (sampleCommit(secret) !== commit) {
      problems.push({
        party,
        message: `reveal ${party} does not match commit ${party}: party ${party} revealed a different secret`,
      });
      continue;
    }
    secrets.push(secret);
  }
  if (reveals.length > commits.length) {
    problems.push({
      party: 0,
      message: `${reveals.length} reveals for ${commits.length} commits: each reveal needs a commit`,
    });
  }
  return problems.length > 0 ? err(problems) : ok(secrets);
}

/** seed = SHA-512("ogas-sample-v1" ‖ rollRoot ‖ r_1 ‖ … ‖ r_n). */
export function sampleSeed(rollRootHex: string, secrets: readonly Uint8Array[]): Uint8Array {
  return sha512(SEED_TAG, fromHex(rollRootHex), ...secrets);
}

/** ticket(v) = SHA-256(seed ‖ voterRef bytes). */
export function sampleTicket(seed: Uint8Array, voterRefHex: string): Uint8Array {
  return sha256(seed, fromHex(voterRefHex));
}

/**
 * The k records with the smallest tickets, sorted by voterRef. `roll` must be in roll order; the
 * result has min(k, n) records.
 */
export function drawSample(sortedRoll: readonly RollRecord[], k: number, seed: Uint8Array): RollRecord[] {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const ticketed = sortedRoll.map((record) => ({ record, ticket: sampleTicket(seed, record.voterRef) }));
  ticketed.sort((a, b) => compareBytes(a.ticket, b.ticket));
  return ticketed
    .slice(0, k)
    .map((t) => t.record)
    .sort((a, b) => (a.voterRef < b.voterRef ? -1 : a.voterRef > b.voterRef ? 1 : 0));
}

export interface SampleInput {
  readonly roll: readonly RollRecord[];
  readonly commits: readonly string[];
  readonly reveals: readonly string[];
  readonly k: number;
}

export interface SampleOutcome {
  readonly rollRoot: string;
  readonly rollCount: number;
  readonly seed: string;
  readonly selected: RollRecord[];
}

/**
 * Everything `ogas election sample` and an auditor compute: the roll in order and its root, every
 * reveal checked, the seed and the sample. Roll input order does not matter.
 */
export function computeSample(input: SampleInput): Result<SampleOutcome, RevealProblem[]> {
  if (!Number.isSafeInteger(input.k) || input.k < 1) {
    return err([{ party: 0, message: `k must be a positive integer, got ${input.k}` }]);
  }
  const sorted = sortRoll(input.roll);
  if (!sorted.ok) return err([{ party: 0, message: sorted.error }]);
  const secrets = checkReveals(input.commits, input.reveals);
  if (!secrets.ok) return secrets;
  const root = rollRoot(sorted.value);
  const seed = sampleSeed(root, secrets.value);
  return ok({
    rollRoot: root,
    rollCount: sorted.value.length,
    seed: toHex(seed),
    selected: drawSample(sorted.value, input.k, seed),
  });
}
