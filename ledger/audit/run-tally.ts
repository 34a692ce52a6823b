/**
 * `ogas tally` (DESIGN §10): results per contest and per district by the rules (DESIGN §4), from an
 * export folder or a ledger URL. It checks what ties the count to the log everyone sees: the latest
 * checkpoint's log signature and witness quorum (keys from the package's ledger section), entry 0 = the
 * package, and the tree rebuilt from the entries equal to the checkpoint's root. It counts every
 * well-formed ballot of this election whose selections its style allows, each tracker once.
 *
 * It does NOT check entry signatures, enrolments, check-ins, chains, batches or any other rule of DESIGN
 * §5 — `ogas audit` does, and only an audit that passes makes these results the election's.
 */
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes';
import { checkEntryAgainstElection } from '../../protocol/entries';
import type { LoadedElection } from '../../protocol/election';
import { CompactRange } from '../../protocol/merkle';
import { nobleVerifier } from '../../protocol/ml-dsa';
import type { ElectionResult } from '../../protocol/tally';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { checkAuthoritySignatures, ledgerTrust, loadPackage } from './audit-setup';
import { checkCheckpoint, iso } from './checkpoints';
import { EntryPool } from './entry-pool';
import { checkedEntries } from './entry-stream';
import { FaultList, type Fault } from './faults';
import { HashIndex } from './hash-index';
import type { LogSource } from './log-source';
import { TallyAccumulator } from './tally-accumulator';

export const TALLY_LIMITS =
  'entry signatures, kiosk enrolments, check-ins, kiosk chains, batches and the other rules of DESIGN §5 are NOT checked by the tally: run `ogas audit` for that';

export interface TallyOptions {
  readonly source: LogSource;
  readonly packageText?: string | Uint8Array;
  /** With a trust file, the package's authority signatures are checked too. */
  readonly trustText?: string;
  readonly threads?: number;
}

export interface TallyReport {
  readonly source: string;
  readonly electionId: string | undefined;
  readonly entries: number;
  readonly root: string;
  readonly checkpoint:
    { readonly size: number; readonly logTime: string; readonly witnesses: number } | undefined;
  /** What was verified, one line each. */
  readonly verified: readonly string[];
  readonly notChecked: readonly string[];
  readonly skipped: {
    readonly malformed: number;
    readonly invalid: number;
    readonly duplicateTrackers: number;
  };
  readonly results: ElectionResult | undefined;
  readonly faults: readonly Fault[];
  /** True when the checkpoint and the tree verified: the counts are of the log the witnesses saw. */
  readonly verifiedLog: boolean;
}

export async function runTally(
  options: TallyOptions,
): Promise<{ report: TallyReport; election: LoadedElection | undefined }> {
  const { source } = options;
  const { verifier } = fastestMlDsaVerifier(nobleVerifier);
  const faults = new FaultList();
  const electionJson = await source.electionJson();
  const election = loadPackage(options.packageText, electionJson, faults);
  const verified: string[] = [];
  const notChecked = [TALLY_LIMITS];
  const empty = {
    source: source.description,
    electionId: undefined,
    entries: 0,
    root: '',
    checkpoint: undefined,
  };
  if (!election) {
    const report = {
      ...empty,
      verified,
      notChecked,
      skipped: { malformed: 0, invalid: 0, duplicateTrackers: 0 },
    };
    return {
      report: { ...report, results: undefined, faults: faults.sorted(), verifiedLog: false },
      election,
    };
  }
  if (options.trustText !== undefined) {
    const s = checkAuthoritySignatures(election, options.trustText, verifier, faults);
    verified.push(`package: ${s.valid} valid authority signature(s), ${s.required} required`);
  } else {
    notChecked.push("the package's authority signatures (give --authority TRUST)");
  }
  const trust = ledgerTrust(election);
  const latestNote = await source.latestCheckpoint();
  const latest = checkCheckpoint(latestNote, 'checkpoint', trust, verifier, faults);
  if (latest) {
    if (latest.witnesses.length >= trust.quorum) {
      verified.push(
        `checkpoint size ${latest.size}: signed by the log, ${latest.witnesses.length} witness cosignature(s) (quorum ${trust.quorum})`,
      );
    } else {
      faults.add(
        'checkpoint-quorum',
        Math.max(0, latest.size - 1),
        `the checkpoint has ${latest.witnesses.length} witness cosignature(s); quorum ${trust.quorum}`,
      );
    }
  }
  const range = CompactRange.empty();
  const tally = new TallyAccumulator();
  const trackers = new HashIndex();
  const skipped = { malformed: 0, invalid: 0, duplicateTrackers: 0 };
  const pool = await EntryPool.start(options.threads === undefined ? {} : { threads: options.threads });
  try {
    for await (const chunk of checkedEntries(source.entries(latest?.size ?? 0), pool, false)) {
      for (const e of chunk) {
        range.append(e.hash);
        if (!e.item) {
          if (!bytesEqual(e.data!, election.entryBytes))
            faults.add('entry0-mismatch', 0, 'entry 0 is not the election package');
          continue;
        }
        if (e.item.kind === 'malformed') {
          skipped.malformed++;
          continue;
        }
        if (e.item.entry.type !== 'ballot') continue;
        const ballot = e.item.entry;
        if (!checkEntryAgainstElection(ballot, election).ok) {
          skipped.invalid++;
        } else if (trackers.setIfAbsent(fromHex(ballot.tracker), e.index) !== undefined) {
          skipped.duplicateTrackers++;
        } else {
          tally.add(ballot);
        }
      }
    }
  } finally {
    await pool.close();
  }
  for (const p of source.problems) faults.add('export-format', p.index, p.message);
  if (latest) {
    if (range.size !== latest.size) {
      faults.add(
        'checkpoint-size',
        Math.min(range.size, latest.size),
        `the log holds ${range.size} entries; the checkpoint covers ${latest.size}`,
      );
    } else if (!bytesEqual(range.root(), latest.root)) {
      faults.add(
        'root-mismatch',
        0,
        `the tree rebuilt from the entries has root ${toHex(range.root())}, not the checkpoint's`,
        { range: [0, range.size] },
      );
    } else {
      verified.push(`tree: the ${range.size} entries rebuild the checkpoint's root ${toHex(latest.root)}`);
    }
  }
  const sorted = faults.sorted();
  return {
    report: {
      source: source.description,
      electionId: election.electionId,
      entries: range.size,
      root: toHex(range.root()),
      checkpoint: latest && {
        size: latest.size,
        logTime: iso(latest.logTime),
        witnesses: latest.witnesses.length,
      },
      verified,
      notChecked,
      skipped,
      results: tally.result(election.package),
      faults: sorted,
      verifiedLog: sorted.length === 0 && latest !== undefined,
    },
    election,
  };
}
