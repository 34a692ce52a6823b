/**
 * An export folder (DESIGN §6) written as the log is built, for logs too large to hold in memory (the
 * audit benchmark's 200,000 entries): entries.jsonl is appended to as requests come, the tree is kept
 * as a compact range, and each checkpoint is signed (log key, then every witness) the moment it is
 * planned. Same checkpoints as LogBuilder.finish(): a sink for simulation.ts's TimelineAppender.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkpoint as checkpointBody,
  cosignSignature,
  encodeSignedNote,
  parseSignedNote,
  signCheckpoint,
  withSignatures,
} from '../../protocol/checkpoint';
import { CompactRange, leafHash } from '../../protocol/merkle';
import type { TimelineSink } from './simulation';
import type { TestElection } from './test-election';

export class StreamingExport implements TimelineSink {
  now: number;
  private readonly range = CompactRange.empty();
  private readonly file: WriteStream;
  private readonly pendingNotes: Promise<void>[] = [];
  private latest = '';

  private constructor(
    readonly e: TestElection,
    private readonly dir: string,
  ) {
    this.file = createWriteStream(join(dir, 'entries.jsonl.partial'));
    this.now = e.opensMs;
    this.write(e.election.entryBytes);
  }

  /** Opens `dir` (created) and writes election.json and entry 0. */
  static async open(e: TestElection, dir: string): Promise<StreamingExport> {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    await writeFile(join(dir, 'election.json'), e.election.entryBytes);
    return new StreamingExport(e, dir);
  }

  get size(): number {
    return this.range.size;
  }

  private write(data: Uint8Array): void {
    this.range.append(leafHash(data));
    this.file.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    this.file.write('\n');
  }

  at(ms: number): this {
    this.now = ms;
    return this;
  }

  append(request: readonly Uint8Array[] | null): number {
    const first = this.range.size;
    for (const d of request ?? []) this.write(d);
    return first;
  }

  /** Resolves when the file has room again (call between requests: bounds what waits in memory). */
  async drained(): Promise<void> {
    if (this.file.writableNeedDrain) await once(this.file, 'drain');
  }

  /** Signs a checkpoint of the current size at the current time, cosigned by every witness 5 s later. */
  checkpoint(): string {
    const time = Math.floor(this.now / 1000);
    const cp = checkpointBody(this.e.election.package.ledger.origin, this.range.size, this.range.root());
    const logNote = parseSignedNote(signCheckpoint(cp, this.e.logSigner, time));
    if (!logNote.ok) throw new Error(logNote.error);
    const note = encodeSignedNote(
      withSignatures(
        logNote.value,
        this.e.witnessSigners.map((w) => cosignSignature(cp, w, time + 5)),
      ),
    );
    this.latest = note;
    this.pendingNotes.push(writeFile(join(this.dir, 'checkpoints', String(cp.size)), note));
    return note;
  }

  /** The final checkpoint 10 minutes after closes + drainHours, then entries.jsonl and checkpoint. */
  async finish(): Promise<void> {
    this.at(Math.max(this.now, this.e.drainEndMs + 10 * 60_000)).checkpoint();
    this.file.end();
    await once(this.file, 'close');
    await Promise.all(this.pendingNotes);
    await writeFile(join(this.dir, 'checkpoint'), this.latest);
    await rename(join(this.dir, 'entries.jsonl.partial'), join(this.dir, 'entries.jsonl'));
  }
}
