/**
 * An export folder as a log source (DESIGN §6 "Export folder", normative): `election.json` (entry 0's
 * bytes), `entries.jsonl` (each entry's leaf data and a newline, entry 0 first), `checkpoint` (the
 * latest cosigned checkpoint) and `checkpoints/` (every cosigned checkpoint, one file per size, named
 * by the size). entries.jsonl is streamed in 1 MiB reads, never loaded whole.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LineSplitter,
  SourceError,
  type FormatProblem,
  type LogSource,
  type PublishedCheckpoint,
} from './log-source';

/** Lines handed on at a time: enough to keep the verify threads busy, small enough to bound memory. */
const CHUNK_LINES = 256;

async function readRequired(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new SourceError(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

export class FolderSource implements LogSource {
  readonly problems: FormatProblem[] = [];

  constructor(readonly dir: string) {}

  get description(): string {
    return this.dir;
  }

  static async open(dir: string): Promise<FolderSource> {
    let info;
    try {
      info = await stat(dir);
    } catch (e) {
      throw new SourceError(
        `cannot read the export folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    if (!info.isDirectory()) throw new SourceError(`${dir} is not a folder (an export folder of DESIGN §6)`);
    return new FolderSource(dir);
  }

  async electionJson(): Promise<Uint8Array> {
    return new Uint8Array(await readRequired(join(this.dir, 'election.json'), 'the election package'));
  }

  async latestCheckpoint(): Promise<string> {
    return (await readRequired(join(this.dir, 'checkpoint'), 'the latest checkpoint')).toString('utf8');
  }

  async publishedCheckpoints(): Promise<PublishedCheckpoint[]> {
    const folder = join(this.dir, 'checkpoints');
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.problems.push({
          index: 0,
          message: 'the export has no checkpoints/ folder (DESIGN §6 export folder)',
        });
        return [];
      }
      throw new SourceError(`cannot read ${folder}: ${(e as Error).message}`);
    }
    const out: PublishedCheckpoint[] = [];
    for (const name of names.sort((a, b) => Number(a) - Number(b))) {
      const note = (await readRequired(join(folder, name), 'a checkpoint')).toString('utf8');
      out.push({ label: name, note });
    }
    return out;
  }

  async *entries(): AsyncIterable<Uint8Array[]> {
    const path = join(this.dir, 'entries.jsonl');
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    const splitter = new LineSplitter();
    let pending: Uint8Array[] = [];
    let count = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const line of splitter.push(chunk)) {
          pending.push(line);
          count++;
          if (pending.length >= CHUNK_LINES) {
            yield pending;
            pending = [];
          }
        }
      }
    } catch (e) {
      if (count === 0) {
        throw new SourceError(
          `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      throw e;
    }
    const last = splitter.end();
    if (last !== undefined) {
      pending.push(last);
      this.problems.push({
        index: count,
        message: 'entries.jsonl does not end with a newline after its last entry',
      });
    }
    if (pending.length > 0) yield pending;
  }
}
