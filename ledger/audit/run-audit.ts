/**
 * `ogas audit` (DESIGN §6 "Audit", §10): verifies a whole log and recounts it.
 *
 * 1. The package: schema, m-of-n authority signatures against the trust file (DESIGN §4), and (roll or
 *    sample) who may vote (audit-setup.ts).
 * 2. Every checkpoint: the log's signature, each cosignature of a witness the package names, the
 *    latest one's quorum and date (at or after closes + drainHours), their timestamps (checkpoints.ts).
 * 3. Every entry, streamed once: entry 0 = the package bytes; the tree rebuilt in a compact range and
 *    compared with every checkpoint at its size (the leaf-prefix roots: each published checkpoint must be
 *    a prefix of the final tree); each entry's signature, context and meaning (entry-check.ts on every
 *    core, then log-rules.ts in order).
 * 4. The recount by protocol/tally, the enrolments per official (DESIGN §9).
 * Every fault is kept with its entry index; the audit passes only when there is none.
 */
import { bytesEqual, toHex } from '../../protocol/bytes';
import { parseCheckpointBody, parseSignedNote } from '../../protocol/checkpoint';
import type { LoadedElection } from '../../protocol/election';
import { CompactRange, verifyConsistency } from '../../protocol/merkle';
import { nobleVerifier, type MlDsaVerifier } from '../../protocol/ml-dsa';
import type { ElectionResult } from '../../protocol/tally';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { loadPackage, setUpAudit } from './audit-setup';
import {
  checkCheckpoint,
  CheckpointTimeline,
  iso,
  type CheckedCheckpoint,
  type LedgerTrust,
} from './checkpoints';
import { EntryPool } from './entry-pool';
import { checkedEntries } from './entry-stream';
import { FaultList, type Fault } from './faults';
import type { LogSource } from './log-source';
import { LogRules, type OfficialReport } from './log-rules';

export interface AuditProgress {
  readonly done: number;
  readonly total: number;
  readonly seconds: number;
}

export interface AuditOptions {
  readonly source: LogSource;
  /** The authority trust file's text. */
  readonly trustText: string;
  /** The auditor's copy of the package; default: the log's election.json. */
  readonly packageText?: string | Uint8Array;
  /** Roll JSON lines (`--roll`). */
  readonly rollText?: string;
  /** Verify threads (default one per core; 0: on this thread). */
  readonly threads?: number;
  readonly onProgress?: (p: AuditProgress) => void;
}

export interface AuditReport {
  readonly source: string;
  readonly electionId: string | undefined;
  readonly title: string | undefined;
  readonly signatures: { readonly valid: number; readonly required: number } | undefined;
  readonly entries: number;
  readonly root: string;
  readonly checkpoint:
    | {
        readonly size: number;
        readonly logTime: string;
        readonly witnesses: { name: string; time: string }[];
      }
    | undefined;
  readonly checkpointsChecked: number;
  readonly counts: LogRules['counts'] | undefined;
  readonly kiosks: number;
  readonly kiosksWithoutFinal: readonly string[];
  readonly officials: readonly OfficialReport[];
  readonly results: ElectionResult | undefined;
  readonly notChecked: readonly string[];
  readonly faults: readonly Fault[];
  readonly faultsByKind: Record<string, number>;
  readonly passed: boolean;
  readonly verifier: string;
  readonly threads: number;
  readonly seconds: number;
}

/** The size a checkpoint note claims, read without trusting it (to know how much to read). */
function claimedSize(note: string): number {
  const parsed = parseSignedNote(note);
  const body = parsed.ok ? parseCheckpointBody(parsed.value.text) : parsed;
  return body.ok ? body.value.size : 0;
}

function checkLatest(
  latest: CheckedCheckpoint,
  trust: LedgerTrust,
  drainEndMs: number,
  faults: FaultList,
): void {
  const index = Math.max(0, latest.size - 1);
  const at = { checkpoint: latest.size };
  if (latest.witnesses.length < trust.quorum) {
    faults.add(
      'checkpoint-quorum',
      index,
      `the latest checkpoint (size ${latest.size}) has ${latest.witnesses.length} valid witness cosignature(s); the package's quorum is ${trust.quorum}`,
      at,
    );
  }
  const late = latest.witnesses.filter((w) => w.time * 1000 >= drainEndMs);
  if (latest.logTime * 1000 < drainEndMs || late.length < trust.quorum) {
    faults.add(
      'checkpoint-early',
      index,
      `the last entry must be covered by a checkpoint dated at or after closes + drainHours (${iso(drainEndMs / 1000)}); ` +
        `the latest is signed by the log at ${iso(latest.logTime)} with ${late.length} witness cosignature(s) dated after the deadline (quorum ${trust.quorum})`,
      at,
    );
  }
}

/** Compares each checkpoint's root with the rebuilt tree's root at its size (see the file comment). */
function checkPrefixRoots(
  checkpoints: readonly CheckedCheckpoint[],
  roots: ReadonlyMap<number, Uint8Array>,
  faults: FaultList,
): void {
  const within = checkpoints.filter((c) => roots.has(c.size)).sort((a, b) => a.size - b.size);
  const matches = within.map((c) => bytesEqual(c.root, roots.get(c.size)!));
  const lastMatch = within.reduce((best, c, k) => (matches[k] ? Math.max(best, c.size) : best), 0);
  let reportedAltered = false;
  within.forEach((c, k) => {
    if (matches[k]) return;
    const index = Math.max(0, c.size - 1);
    if (c.size < lastMatch) {
      faults.add(
        'checkpoint-inconsistent',
        index,
        `checkpoint ${c.label} (size ${c.size}, root ${toHex(c.root).slice(0, 16)}…) is not a prefix of the final tree: ` +
          `its entries have root ${toHex(roots.get(c.size)!).slice(0, 16)}…, and checkpoint ${lastMatch} agrees with the entries`,
        { checkpoint: c.size },
      );
    } else if (!reportedAltered) {
      reportedAltered = true;
      faults.add(
        'root-mismatch',
        lastMatch,
        `the tree rebuilt from the entries has root ${toHex(roots.get(c.size)!).slice(0, 16)}… at size ${c.size}; ` +
          `the log signed ${toHex(c.root).slice(0, 16)}…: an entry in ${lastMatch}–${c.size - 1} is not what the log signed`,
        { checkpoint: c.size, range: [lastMatch, c.size] },
      );
    }
  });
}

async function checkServedProofs(
  source: LogSource,
  checkpoints: readonly CheckedCheckpoint[],
  latest: CheckedCheckpoint,
  faults: FaultList,
): Promise<void> {
  if (!source.consistencyProof) return;
  for (const c of checkpoints) {
    if (c.size === 0 || c.size >= latest.size) continue;
    const proof = await source.consistencyProof(c.size, latest.size);
    const ok = verifyConsistency(c.size, latest.size, proof, c.root, latest.root);
    if (!ok.ok) {
      faults.add(
        'checkpoint-inconsistent',
        c.size - 1,
        `the ledger's consistency proof from ${c.size} to ${latest.size} does not verify: ${ok.error}`,
        {
          checkpoint: c.size,
        },
      );
    }
  }
}

interface Checkpoints {
  readonly usable: CheckedCheckpoint[];
  readonly latest: CheckedCheckpoint | undefined;
  readonly latestNote: string;
  readonly count: number;
}

async function loadCheckpoints(
  source: LogSource,
  trust: LedgerTrust,
  verifier: MlDsaVerifier,
  faults: FaultList,
): Promise<Checkpoints> {
  const latestNote = await source.latestCheckpoint();
  const latest = checkCheckpoint(latestNote, 'checkpoint', trust, verifier, faults);
  const published = await source.publishedCheckpoints();
  const usable: CheckedCheckpoint[] = latest ? [latest] : [];
  for (const p of published) {
    const c = checkCheckpoint(p.note, p.label, trust, verifier, faults);
    if (c) usable.push(c);
  }
  if (latest && published.length > 0 && !usable.some((c) => c !== latest && c.size === latest.size)) {
    faults.add(
      'export-format',
      Math.max(0, latest.size - 1),
      `the latest checkpoint (size ${latest.size}) is not among the published checkpoints`,
    );
  }
  return { usable, latest, latestNote, count: published.length + 1 };
}

export interface AuditOutcome {
  readonly report: AuditReport;
  /** The package audited against (for printing results), when there was one. */
  readonly election: LoadedElection | undefined;
}

export async function runAudit(options: AuditOptions): Promise<AuditOutcome> {
  const started = Date.now();
  const { source } = options;
  const { verifier } = fastestMlDsaVerifier(nobleVerifier);
  const faults = new FaultList();
  const electionJson = await source.electionJson();
  const election: LoadedElection | undefined = loadPackage(options.packageText, electionJson, faults);
  const base = { source: source.description, verifier: verifier.name };
  if (!election) return { report: emptyReport(base, faults, started), election };
  const setup = setUpAudit(election, options.trustText, options.rollText, verifier, faults);
  const pkg = election.package;
  const drainEndMs = Date.parse(pkg.window.closes) + pkg.window.drainHours * 3_600_000;

  const cps = await loadCheckpoints(source, setup.trust, verifier, faults);
  if (cps.latest) checkLatest(cps.latest, setup.trust, drainEndMs, faults);
  const timeline = new CheckpointTimeline(cps.usable);
  for (const c of timeline.backwards()) {
    faults.add(
      'checkpoint-order',
      Math.max(0, c.size - 1),
      `checkpoint ${c.size} is signed at ${iso(c.logTime)}, before a smaller checkpoint`,
      {
        checkpoint: c.size,
      },
    );
  }
  const expected = cps.latest?.size ?? claimedSize(cps.latestNote);
  const sizes = new Set(cps.usable.map((c) => c.size));
  const roots = new Map<number, Uint8Array>();
  const range = CompactRange.empty();
  if (sizes.has(0)) roots.set(0, range.root());
  const rules = new LogRules({ election, eligible: setup.eligible, timeline, faults });
  const pool = await EntryPool.start(options.threads === undefined ? {} : { threads: options.threads });
  let lastProgress = Date.now();
  try {
    for await (const chunk of checkedEntries(source.entries(expected), pool, true)) {
      for (const e of chunk) {
        range.append(e.hash);
        if (sizes.has(range.size)) roots.set(range.size, range.root());
        if (e.item === undefined) checkEntry0(e.data!, electionJson, election, faults);
        else rules.enter(e.index, e.hash, e.item);
      }
      if (options.onProgress && Date.now() - lastProgress >= 2000) {
        lastProgress = Date.now();
        options.onProgress({ done: range.size, total: expected, seconds: (Date.now() - started) / 1000 });
      }
    }
  } finally {
    await pool.close();
  }
  rules.finish();
  for (const p of source.problems) faults.add('export-format', p.index, p.message);
  const size = range.size;
  if (size === 0) faults.add('export-format', 0, 'the log has no entries, not even entry 0 (the package)');
  if (cps.latest && cps.latest.size !== size) {
    faults.add(
      'checkpoint-size',
      Math.min(cps.latest.size, size),
      cps.latest.size < size
        ? `entries ${cps.latest.size}–${size - 1} are not covered by the latest checkpoint (size ${cps.latest.size})`
        : `the latest checkpoint has size ${cps.latest.size} but the log holds ${size} entries`,
      { checkpoint: cps.latest.size },
    );
  }
  checkPrefixRoots(cps.usable, roots, faults);
  if (cps.latest && roots.has(cps.latest.size))
    await checkServedProofs(source, cps.usable, cps.latest, faults);
  const sorted = faults.sorted();
  const report: AuditReport = {
    ...base,
    electionId: election.electionId,
    title: pkg.title.en ?? Object.values(pkg.title)[0],
    signatures: { valid: setup.signatures.valid, required: setup.signatures.required },
    entries: size,
    root: toHex(range.root()),
    checkpoint: cps.latest && {
      size: cps.latest.size,
      logTime: iso(cps.latest.logTime),
      witnesses: cps.latest.witnesses.map((w) => ({ name: w.name, time: iso(w.time) })),
    },
    checkpointsChecked: cps.count,
    counts: rules.counts,
    kiosks: rules.kioskCount,
    kiosksWithoutFinal: rules.kiosksWithoutFinal(),
    officials: [...rules.officials.values()],
    results: rules.tally.result(pkg),
    notChecked: setup.notChecked,
    faults: sorted,
    faultsByKind: faults.byKind(),
    passed: sorted.length === 0,
    threads: pool.size,
    seconds: (Date.now() - started) / 1000,
  };
  return { report, election };
}

function checkEntry0(
  line: Uint8Array,
  electionJson: Uint8Array,
  election: LoadedElection,
  faults: FaultList,
): void {
  if (!bytesEqual(line, electionJson)) {
    faults.add(
      'entry0-mismatch',
      0,
      'entry 0 of the log is not the bytes of election.json (DESIGN §6 export folder)',
    );
  }
  if (!bytesEqual(line, election.entryBytes)) {
    faults.add(
      'entry0-mismatch',
      0,
      'entry 0 is not the JCS bytes of the election package (with its signatures), DESIGN §4',
    );
  }
}

function emptyReport(
  base: { source: string; verifier: string },
  faults: FaultList,
  started: number,
): AuditReport {
  const sorted = faults.sorted();
  return {
    ...base,
    electionId: undefined,
    title: undefined,
    signatures: undefined,
    entries: 0,
    root: '',
    checkpoint: undefined,
    checkpointsChecked: 0,
    counts: undefined,
    kiosks: 0,
    kiosksWithoutFinal: [],
    officials: [],
    results: undefined,
    notChecked: [
      "everything after the package: the log's election.json is not a valid package (give --election FILE)",
    ],
    faults: sorted,
    faultsByKind: faults.byKind(),
    passed: false,
    threads: 0,
    seconds: (Date.now() - started) / 1000,
  };
}
