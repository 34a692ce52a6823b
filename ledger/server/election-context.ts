/**
 * What the ledger needs to know about its one election (DESIGN §4, §6), checked once at start-up: the
 * package (closed schema and semantic checks), at least m valid authority signatures from the trust file,
 * a log key that is the package's `ledger.logKey` for its `ledger.origin`, and in roll mode a roll whose
 * RFC 6962 root is the package's `rollRoot`. Any failure refuses to start, with every reason.
 */
import { formatProblem } from '../../protocol/election/problems';
import {
  checkPackageSignatures,
  parseElectionPackageText,
  parseTrustFileText,
  type ElectionPackage,
  type LoadedElection,
} from '../../protocol/election';
import { parseVkey, type CosignerKey } from '../../protocol/checkpoint';
import { bytesEqual } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';
import { parseRollJsonLines, rollRoot, sortRoll } from '../../protocol/voters';
import type { MlDsaVerifier } from '../../protocol/ml-dsa';
import type { LogKey } from './log-key';

/** A voter the ledger admits a check-in for: in the sample (`selected`) or, in roll mode, on the roll. */
export interface EligibleVoter {
  readonly style: string;
  readonly country: string;
}

export interface ElectionContext {
  readonly election: LoadedElection;
  readonly pkg: ElectionPackage;
  readonly electionId: string;
  readonly origin: string;
  readonly logKey: LogKey;
  /** The witnesses of `ledger.witnesses`, whose cosignatures the ledger gathers. */
  readonly witnessKeys: readonly CosignerKey[];
  /** voterRef → eligibility. */
  readonly voters: ReadonlyMap<string, EligibleVoter>;
  /** Check-ins are accepted in [opensMs, closesMs). */
  readonly opensMs: number;
  readonly closesMs: number;
  /** Ballots, batches and polls events are accepted until drainEndMs (closes + drainHours). */
  readonly drainEndMs: number;
  readonly minBatch: number;
  readonly maxBatch: number;
}

export interface ElectionInputs {
  readonly packageText: string;
  readonly trustText: string;
  readonly logKey: LogKey;
  /** Roll JSON lines (`--roll`), required in roll mode. */
  readonly rollText?: string;
  readonly verifier?: MlDsaVerifier;
}

/** Checks the inputs of `ogas ledger serve`; the error lists every reason the ledger refuses to start. */
export function loadElectionContext(inputs: ElectionInputs): Result<ElectionContext, string[]> {
  const parsed = parseElectionPackageText(inputs.packageText);
  if (!parsed.ok) return err(parsed.error.map((p) => `election package: ${formatProblem(p)}`));
  const election = parsed.value;
  const pkg = election.package;
  const trust = parseTrustFileText(inputs.trustText);
  if (!trust.ok) return err(trust.error.map((p) => `trust file: ${formatProblem(p)}`));
  const problems: string[] = [];

  const signatures = checkPackageSignatures(election, trust.value, inputs.verifier);
  if (!signatures.ok) problems.push(...signatures.error.messages.map((m) => `election package ${m}`));

  const { logKey } = inputs;
  if (pkg.ledger.origin !== logKey.origin) {
    problems.push(
      `the package's ledger.origin is "${pkg.ledger.origin}" but the key is for "${logKey.origin}"`,
    );
  }
  const packageKey = parseVkey(pkg.ledger.logKey);
  if (!packageKey.ok) problems.push(`election package ledger.logKey: ${packageKey.error}`);
  else if (
    !bytesEqual(packageKey.value.publicKey, logKey.signer.publicKey) ||
    packageKey.value.name !== logKey.origin
  ) {
    problems.push(
      `the package's ledger.logKey (${pkg.ledger.logKey.slice(0, 40)}…) is not this log key (${logKey.vkey.slice(0, 40)}…)`,
    );
  }
  const witnessKeys: CosignerKey[] = [];
  for (const [i, w] of pkg.ledger.witnesses.entries()) {
    const key = parseVkey(w.key);
    if (!key.ok) problems.push(`election package ledger.witnesses[${i}].key: ${key.error}`);
    else witnessKeys.push(key.value);
  }

  const voters = new Map<string, EligibleVoter>();
  const v = pkg.qualifications.voters;
  if (inputs.rollText !== undefined) {
    const roll = parseRollJsonLines(inputs.rollText);
    if (!roll.ok) problems.push(...roll.error.map((p) => `roll file ${p}`));
    else {
      const sorted = sortRoll(roll.value);
      if (!sorted.ok) problems.push(`roll file: ${sorted.error}`);
      else {
        const root = rollRoot(sorted.value);
        if (root !== v.rollRoot) {
          problems.push(
            `the roll file's root ${root} is not the package's rollRoot ${v.rollRoot}: wrong or altered roll`,
          );
        } else if (v.mode === 'roll') {
          if (sorted.value.length !== v.count) {
            problems.push(`the roll file has ${sorted.value.length} records, the package says ${v.count}`);
          }
          for (const r of sorted.value) voters.set(r.voterRef, { style: r.style, country: r.country });
        }
      }
    }
  } else if (v.mode === 'roll') {
    problems.push(
      'the election is in roll mode: give the roll with --roll FILE (JSON lines {voterRef, country, style})',
    );
  }
  if (v.mode === 'sample')
    for (const s of v.selected) voters.set(s.voterRef, { style: s.style, country: s.country });

  const opensMs = Date.parse(pkg.window.opens);
  const closesMs = Date.parse(pkg.window.closes);
  if (problems.length > 0) return err(problems);
  return ok({
    election,
    pkg,
    electionId: election.electionId,
    origin: pkg.ledger.origin,
    logKey,
    witnessKeys,
    voters,
    opensMs,
    closesMs,
    drainEndMs: closesMs + pkg.window.drainHours * 3_600_000,
    minBatch: pkg.privacy.minBatch,
    maxBatch: pkg.limits.maxBatch,
  });
}
