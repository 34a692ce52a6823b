/**
 * What an audit starts from (DESIGN §6 "Audit": "given the trust file, the election package and the
 * export"): the authority trust file, the package (the auditor's copy, or the log's entry 0), its m-of-n
 * signatures and schema (DESIGN §4), the keys of its ledger section, and who may vote: the sample, or in
 * roll mode the roll given with `--roll` (checked against rollRoot, DESIGN §4 step 3).
 *
 * Inputs the auditor gave that cannot be used (an unreadable trust file, a roll of another election)
 * are AuditInputError (exit code 2); what is wrong with the election itself is a fault (exit code 1).
 */
import { parseVkey } from '../../protocol/checkpoint';
import {
  checkPackageSignatures,
  parseElectionPackageEntry,
  parseElectionPackageText,
  parseTrustFileText,
  type LoadedElection,
} from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import type { MlDsaVerifier } from '../../protocol/ml-dsa';
import {
  computeSample,
  parseRollJsonLines,
  rollRoot,
  sortRoll,
  type RollRecord,
} from '../../protocol/voters';
import type { LedgerTrust } from './checkpoints';
import type { FaultList } from './faults';

export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
}

export interface AuditSetup {
  readonly election: LoadedElection;
  readonly trust: LedgerTrust;
  /** voterRef → style; undefined when eligibility cannot be checked. */
  readonly eligible: ReadonlyMap<string, string> | undefined;
  readonly signatures: {
    readonly valid: number;
    readonly required: number;
    readonly messages: readonly string[];
  };
  readonly notChecked: string[];
}

/** The package: the auditor's file, or else the log's election.json (a fault if it is not a package). */
export function loadPackage(
  packageText: string | Uint8Array | undefined,
  electionJson: Uint8Array,
  faults: FaultList,
): LoadedElection | undefined {
  if (packageText !== undefined) {
    const given = parseElectionPackageText(packageText);
    if (!given.ok) {
      throw new AuditInputError(
        `the election package given is not valid:\n  ${given.error.map(formatProblem).join('\n  ')}`,
      );
    }
    return given.value;
  }
  const fromLog = parseElectionPackageEntry(electionJson);
  if (!fromLog.ok) {
    faults.add(
      'package-invalid',
      0,
      `election.json / entry 0: ${fromLog.error.map(formatProblem).join('; ')}`,
    );
    return undefined;
  }
  return fromLog.value;
}

/** The log key, witness keys and quorum of the package's ledger section (DESIGN §4 `ledger`). */
export function ledgerTrust(election: LoadedElection): LedgerTrust {
  const l = election.package.ledger;
  const log = parseVkey(l.logKey);
  // The package parser has checked every vkey (protocol/election semantic checks): a failure is a bug.
  if (!log.ok) throw new Error(`ledger.logKey passed the package checks but does not parse: ${log.error}`);
  const witnesses = l.witnesses.map((w) => {
    const k = parseVkey(w.key);
    if (!k.ok)
      throw new Error(`ledger.witnesses key passed the package checks but does not parse: ${k.error}`);
    return k.value;
  });
  return { origin: l.origin, log: log.value, witnesses, quorum: l.quorum };
}

function checkRoll(election: LoadedElection, rollText: string, faults: FaultList): RollRecord[] {
  const parsed = parseRollJsonLines(rollText);
  if (!parsed.ok) throw new AuditInputError(`the roll file is not valid:\n  ${parsed.error.join('\n  ')}`);
  const sorted = sortRoll(parsed.value);
  if (!sorted.ok) throw new AuditInputError(`the roll file: ${sorted.error}`);
  const v = election.package.qualifications.voters;
  const root = rollRoot(sorted.value);
  if (root !== v.rollRoot) {
    throw new AuditInputError(
      `the roll file's RFC 6962 root ${root} is not the package's rollRoot ${v.rollRoot}: it is not this election's roll`,
    );
  }
  if (v.mode === 'roll') {
    if (sorted.value.length !== v.count) {
      faults.add(
        'package-roll',
        0,
        `the roll holds ${sorted.value.length} voters; the package says count ${v.count}`,
      );
    }
    const byCountry: Record<string, number> = {};
    for (const r of sorted.value) byCountry[r.country] = (byCountry[r.country] ?? 0) + 1;
    for (const country of new Set([...Object.keys(byCountry), ...Object.keys(v.eligibleByCountry)])) {
      const want = v.eligibleByCountry[country] ?? 0;
      if ((byCountry[country] ?? 0) !== want) {
        faults.add(
          'package-roll',
          0,
          `the roll holds ${byCountry[country] ?? 0} voters of ${country}; eligibleByCountry says ${want}`,
        );
      }
    }
  } else {
    if (sorted.value.length !== v.rollCount) {
      faults.add(
        'package-roll',
        0,
        `the roll holds ${sorted.value.length} voters; the package says rollCount ${v.rollCount}`,
      );
    }
    const sample = computeSample({ roll: sorted.value, commits: v.commits, reveals: v.reveals, k: v.k });
    if (!sample.ok) {
      faults.add(
        'package-roll',
        0,
        `the sample cannot be drawn again: ${sample.error.map((p) => p.message).join('; ')}`,
      );
    } else {
      const want = sample.value.selected.map((r) => `${r.voterRef}/${r.country}/${r.style}`).join(',');
      const got = v.selected.map((r) => `${r.voterRef}/${r.country}/${r.style}`).join(',');
      if (want !== got) {
        faults.add(
          'package-roll',
          0,
          "the package's `selected` is not the sample drawn from this roll with its commits and reveals (DESIGN §4 step 4)",
        );
      }
    }
  }
  return sorted.value;
}

/** The package's m-of-n authority signatures against the trust file (DESIGN §4); shortfalls are faults. */
export function checkAuthoritySignatures(
  election: LoadedElection,
  trustText: string,
  verifier: MlDsaVerifier,
  faults: FaultList,
): AuditSetup['signatures'] {
  const trust = parseTrustFileText(trustText);
  if (!trust.ok)
    throw new AuditInputError(
      `the trust file is not valid:\n  ${trust.error.map(formatProblem).join('\n  ')}`,
    );
  const sigs = checkPackageSignatures(election, trust.value, verifier);
  const report = sigs.ok ? sigs.value : sigs.error;
  if (!sigs.ok) {
    faults.add(
      'package-signatures',
      0,
      `${report.valid.length} valid authority signature(s); the trust file requires ${report.m}`,
    );
  }
  for (const key of report.invalid) {
    faults.add(
      'package-signatures',
      0,
      `the signature by trusted key ${key} does not verify: the package was changed after signing`,
    );
  }
  return { valid: report.valid.length, required: report.m, messages: report.messages };
}

export function setUpAudit(
  election: LoadedElection,
  trustText: string,
  rollText: string | undefined,
  verifier: MlDsaVerifier,
  faults: FaultList,
): AuditSetup {
  const signatures = checkAuthoritySignatures(election, trustText, verifier, faults);
  const notChecked: string[] = [];
  const v = election.package.qualifications.voters;
  let eligible: Map<string, string> | undefined;
  const roll = rollText === undefined ? undefined : checkRoll(election, rollText, faults);
  if (v.mode === 'sample') {
    eligible = new Map(v.selected.map((r) => [r.voterRef, r.style]));
    if (!roll)
      notChecked.push(
        'that `selected` is the sample of the roll (give the roll with --roll FILE to draw it again)',
      );
  } else if (roll) {
    eligible = new Map(roll.map((r) => [r.voterRef, r.style]));
  } else {
    notChecked.push(
      'voter eligibility and styles: the election is in roll mode (give the roll with --roll FILE)',
    );
  }
  return {
    election,
    trust: ledgerTrust(election),
    eligible,
    signatures,
    notChecked,
  };
}
