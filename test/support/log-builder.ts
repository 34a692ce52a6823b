/**
 * Builds complete, valid election logs with protocol code only (no server), for audit tests and
 * benchmarks, and writes them as the DESIGN §6 export folder. A test plants a fault by scripting the
 * log itself (kiosk overrides, see sim-kiosk.ts) or by editing the finished log (`ExportLog`) before
 * writing it.
 *
 *   const e = await createTestElection({ voters: 30 });
 *   const b = new LogBuilder(e);                       // entry 0 = the package
 *   const k = b.kiosk('k1');
 *   b.at(e.opensMs - HOUR).append(k.enrolment());
 *   b.at(e.opensMs).append(k.polls('open'));
 *   b.append(k.checkin(e.voters[0]!)); k.cast('deu', { proposal: ['yes'] });
 *   b.checkpoint();                                     // log-signed, cosigned by every witness, at b.now
 *   …
 *   const log = b.finish();                             // adds a final checkpoint after closes + drainHours
 *   await writeExport(dir, log);
 *
 * `simulateElection(e, {kiosks})` scripts a whole clean election (simulation.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkpoint as checkpointBody,
  cosignSignature,
  parseSignedNote,
  signCheckpoint,
  encodeSignedNote,
  withSignatures,
} from '../../protocol/checkpoint';
import { CompactRange, leafHash } from '../../protocol/merkle';
import { SimKiosk, TestRng } from './sim-kiosk';
import type { OfficialCard, TestElection } from './test-election';

/** A checkpoint the log publishes: its size, the log's timestamp and which witnesses cosign when. */
export interface CheckpointPlan {
  size: number;
  /** POSIX seconds of the log's signature. */
  logTime: number;
  /** Witness indexes (into TestElection.witnessSigners) and their cosignature timestamps. */
  witnesses: { index: number; time: number }[];
  /** Sign this root instead of the tree's (a checkpoint inconsistent with the log). */
  root?: Uint8Array;
}

/** A finished log: what an export folder holds. Edit it to plant faults after the checkpoints are signed. */
export interface ExportLog {
  /** election.json: entry 0's bytes. */
  electionJson: Uint8Array;
  /** Every entry's leaf data, entry 0 first. */
  entries: Uint8Array[];
  /** Every published checkpoint (one per size), ascending. */
  checkpoints: { size: number; note: string }[];
  /** The `checkpoint` file: the latest cosigned checkpoint. */
  latest: string;
}

const HOUR = 3_600_000;

export class LogBuilder {
  readonly entries: Uint8Array[];
  readonly plans: CheckpointPlan[] = [];
  readonly kiosks: SimKiosk[] = [];
  /** The builder's clock (ms): when the next request is appended and the next checkpoint signed. */
  now: number;
  private kioskCount = 0;

  constructor(
    readonly e: TestElection,
    options: { readonly packageBytes?: Uint8Array; readonly seed?: number } = {},
  ) {
    this.entries = [options.packageBytes ?? e.election.entryBytes];
    this.now = e.opensMs - 3 * HOUR;
  }

  /** A new kiosk of this election (keys derived from `label`), provisioned by `official`. */
  kiosk(label: string, official: OfficialCard = this.e.officials[0]!): SimKiosk {
    const k = new SimKiosk(
      this.e.election.electionId,
      label,
      this.e.election.package.privacy.minBatch,
      official,
      new TestRng(0x5eed + this.kioskCount++),
    );
    this.kiosks.push(k);
    return k;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Sets the clock. */
  at(ms: number): this {
    this.now = ms;
    return this;
  }

  /** Appends a request (or nothing, for null); returns the index of its first entry. */
  append(request: readonly Uint8Array[] | null): number {
    const first = this.entries.length;
    if (request) this.entries.push(...request);
    return first;
  }

  /**
   * Plans a checkpoint of the current size at the current time, cosigned by the given witnesses
   * (default: all) `witnessDelay` seconds later.
   */
  checkpoint(
    options: { readonly witnesses?: readonly number[]; readonly witnessDelay?: number } = {},
  ): CheckpointPlan {
    const logTime = Math.floor(this.now / 1000);
    const indexes = options.witnesses ?? this.e.witnessSigners.map((_, i) => i);
    const plan: CheckpointPlan = {
      size: this.entries.length,
      logTime,
      witnesses: indexes.map((index) => ({ index, time: logTime + (options.witnessDelay ?? 5) })),
    };
    this.plans.push(plan);
    return plan;
  }

  /**
   * Signs every planned checkpoint over the entries as they are now. Unless told otherwise, first plans
   * the final checkpoint: the whole log, dated 10 minutes after closes + drainHours (DESIGN §6 audit).
   */
  finish(options: { readonly finalCheckpoint?: boolean } = {}): ExportLog {
    if (options.finalCheckpoint ?? true) {
      this.at(Math.max(this.now, this.e.drainEndMs + 10 * 60_000)).checkpoint();
    }
    return signLog(this.e, this.entries, this.plans);
  }
}

/** Roots of the first `sizes` leaves, in one pass over the entries. */
export function prefixRoots(
  entries: readonly Uint8Array[],
  sizes: Iterable<number>,
): Map<number, Uint8Array> {
  const wanted = new Set(sizes);
  const roots = new Map<number, Uint8Array>();
  const range = CompactRange.empty();
  if (wanted.has(0)) roots.set(0, range.root());
  for (const data of entries) {
    range.append(leafHash(data));
    if (wanted.has(range.size)) roots.set(range.size, range.root());
  }
  return roots;
}

/** Signs the planned checkpoints (log signature, then each witness's cosignature line). */
export function signLog(
  e: TestElection,
  entries: readonly Uint8Array[],
  plans: readonly CheckpointPlan[],
): ExportLog {
  const roots = prefixRoots(
    entries,
    plans.map((p) => p.size),
  );
  const bySize = new Map<number, { size: number; note: string }>();
  let latest: { size: number; note: string } | undefined;
  for (const plan of plans) {
    const root = plan.root ?? roots.get(plan.size);
    if (!root) throw new Error(`checkpoint of size ${plan.size} is beyond the ${entries.length} entries`);
    const cp = checkpointBody(e.election.package.ledger.origin, plan.size, root);
    const logNote = parseSignedNote(signCheckpoint(cp, e.logSigner, plan.logTime));
    if (!logNote.ok) throw new Error(logNote.error);
    const cosignatures = plan.witnesses.map((w) => cosignSignature(cp, e.witnessSigners[w.index]!, w.time));
    const note = encodeSignedNote(withSignatures(logNote.value, cosignatures));
    const published = { size: plan.size, note };
    bySize.set(plan.size, published);
    if (!latest || plan.size >= latest.size) latest = published;
  }
  if (!latest) throw new Error('a log needs at least one checkpoint');
  return {
    electionJson: entries[0]!,
    entries: [...entries],
    checkpoints: [...bySize.values()].sort((a, b) => a.size - b.size),
    latest: latest.note,
  };
}

/** Writes the DESIGN §6 export folder: election.json, entries.jsonl, checkpoint, checkpoints/<size>. */
export async function writeExport(dir: string, log: ExportLog): Promise<void> {
  await mkdir(join(dir, 'checkpoints'), { recursive: true });
  await writeFile(join(dir, 'election.json'), log.electionJson);
  const parts: Buffer[] = [];
  for (const e of log.entries)
    parts.push(Buffer.from(e.buffer, e.byteOffset, e.byteLength), Buffer.from('\n'));
  await writeFile(join(dir, 'entries.jsonl'), Buffer.concat(parts));
  await writeFile(join(dir, 'checkpoint'), log.latest);
  for (const c of log.checkpoints) await writeFile(join(dir, 'checkpoints', String(c.size)), c.note);
}
