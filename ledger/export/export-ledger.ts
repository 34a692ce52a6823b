/**
 * `ogas ledger export` (DESIGN §6 export folder, normative): from a ledger's HTTP API, writes
 *
 *   election.json      entry 0's bytes (the package JCS)
 *   entries.jsonl      each entry's leaf data and "\n", in log order, entry 0 first
 *   checkpoint         the latest cosigned checkpoint (with its cosignatures); its size = the line count
 *   checkpoints/<size> every cosigned checkpoint the log published up to that size, one file per size
 *
 * "Cosigned" means with at least one witness cosignature; a log no witness has cosigned yet is exported
 * up to its latest log-signed checkpoint, with a warning. Entries are streamed page by page (10,000 a
 * request) and never held in memory; while streaming, the tree is rebuilt (compact range) and its root
 * must be the checkpoint's, whose log signature must verify with the package's `ledger.logKey`.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesEqual, utf8 } from '../../protocol/bytes';
import { parseCheckpointBody, parseSignedNote, parseVkey, verifyNote } from '../../protocol/checkpoint';
import { parseElectionPackageEntry } from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { CompactRange, leafHash } from '../../protocol/merkle';
import { err, ok, type Result } from '../../protocol/result';

/** DESIGN §6: at most 10,000 entries per read. */
const PAGE = 10_000;

export interface ExportOptions {
  /** The ledger's base URL. */
  readonly url: string;
  /** The export folder: created, or an existing empty one. */
  readonly out: string;
  /** Progress lines for a person (stderr). */
  readonly progress?: (line: string) => void;
}

export interface ExportSummary {
  readonly size: number;
  readonly cosignedSizes: readonly number[];
  readonly warnings: readonly string[];
}

class ExportError extends Error {}

async function fetchOk(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new ExportError(`cannot reach ${url}: ${(e as Error).message}`);
  }
  if (res.status !== 200) {
    const body = await res.text();
    let message = body.slice(0, 300);
    try {
      message = (JSON.parse(body) as { error?: string }).error ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new ExportError(`${url} answered ${res.status}: ${message}`);
  }
  return res;
}

/** The size of a checkpoint note (line 2), or an error naming the problem. */
function noteSize(note: string): number {
  const parsed = parseSignedNote(note);
  const body = parsed.ok ? parseCheckpointBody(parsed.value.text) : parsed;
  if (!body.ok) throw new ExportError(`the ledger's checkpoint is malformed: ${body.error}`);
  if (body.value.size < 1)
    throw new ExportError('the checkpoint is of an empty log: there is nothing to export');
  return body.value.size;
}

export async function exportLedger(options: ExportOptions): Promise<Result<ExportSummary, string>> {
  try {
    return ok(await run(options));
  } catch (e) {
    if (e instanceof ExportError) return err(e.message);
    throw e;
  }
}

async function run({ url: base, out, progress = () => {} }: ExportOptions): Promise<ExportSummary> {
  const url = base.replace(/\/+$/, '');
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new ExportError(`${out} is not empty: export into a new or empty folder`);
  }
  await mkdir(join(out, 'checkpoints'), { recursive: true });
  const warnings: string[] = [];

  const { sizes } = (await (await fetchOk(`${url}/v1/checkpoints`)).json()) as { sizes: number[] };
  const latestNote = await (await fetchOk(`${url}/v1/checkpoint`)).text();
  let note = latestNote;
  const newest = sizes.at(-1);
  if (newest === undefined) {
    warnings.push(
      'no witness has cosigned a checkpoint of this log yet: exporting up to its latest log-signed one',
    );
  } else {
    note = await (await fetchOk(`${url}/v1/checkpoint?size=${newest}`)).text();
  }

  // Entries, streamed: entry 0 must be an election package whose log key signed the checkpoint.
  const tmp = join(out, 'entries.jsonl.partial');
  const file = createWriteStream(tmp);
  const range = CompactRange.empty();
  let size = 0;
  let packageBytes: Uint8Array | undefined;
  const total = noteSize(note);
  if (newest !== undefined && total !== newest) {
    throw new ExportError(`the checkpoint listed as size ${newest} has size ${total}`);
  }
  try {
    for (let start = 0; start < total; start += PAGE) {
      const end = Math.min(total, start + PAGE);
      const text = await (await fetchOk(`${url}/v1/entries?start=${start}&end=${end}`)).text();
      const lines = text.split('\n');
      if (lines.pop() !== '' || lines.length !== end - start) {
        throw new ExportError(`entries ${start}–${end}: expected ${end - start} lines ending in "\\n"`);
      }
      for (const line of lines) {
        const data = utf8(line);
        packageBytes ??= data;
        range.append(leafHash(data));
        if (!file.write(`${line}\n`)) await once(file, 'drain');
      }
      size = end;
      progress(`entries ${size}/${total}`);
    }
  } finally {
    file.end();
    await once(file, 'close');
  }

  const election = parseElectionPackageEntry(packageBytes!);
  if (!election.ok) {
    throw new ExportError(
      `entry 0 is not an election package: ${election.error.map(formatProblem).join('; ')}`,
    );
  }
  const logKey = parseVkey(election.value.package.ledger.logKey);
  if (!logKey.ok) throw new ExportError(`the package's ledger.logKey: ${logKey.error}`);
  const checked = verifyNote(note, [logKey.value]);
  if (!checked.ok) throw new ExportError(`the checkpoint: ${checked.error}`);
  if (checked.value.checkpoint.size !== size || !bytesEqual(checked.value.checkpoint.root, range.root())) {
    throw new ExportError(
      `the ${size} entries do not hash to the checkpoint's root: the ledger served inconsistent data`,
    );
  }
  await rename(tmp, join(out, 'entries.jsonl'));
  await writeFile(join(out, 'election.json'), packageBytes!);
  await writeFile(join(out, 'checkpoint'), note);

  const cosigned = sizes.filter((s) => s <= size);
  for (const s of cosigned) {
    await writeFile(
      join(out, 'checkpoints', String(s)),
      await (await fetchOk(`${url}/v1/checkpoint?size=${s}`)).text(),
    );
  }
  if (!cosigned.includes(size)) await writeFile(join(out, 'checkpoints', String(size)), note);
  if (noteSize(latestNote) > size) {
    warnings.push(
      `the log has grown past the newest cosigned checkpoint (size ${size}); later entries are not exported`,
    );
  }
  progress(`exported ${size} entries and ${cosigned.length} cosigned checkpoint(s) to ${out}`);
  return { size, cosignedSizes: cosigned, warnings };
}
