/**
 * The witness's durable memory (C2SP tlog-witness, "add-checkpoint": "For each log ... the witness is
 * only required to keep track of the latest checkpoint it observed and verified", and "The witness MUST
 * persist the new checkpoint before responding"): per origin, the size, root and log-signed note of the
 * latest checkpoint it cosigned. One JSON file:
 *
 *   {"v":1,"logs":{"<origin>":{"size":N,"root":"<base64>","note":"<signed checkpoint>","cosignedAt":T}}}
 *
 * Saved by writing a temporary file, fsync, rename over the old one, fsync of the folder: after a crash
 * the file is either the old state or the new one, never half of each (POSIX rename is atomic). The
 * note is kept so that a conflicting request can be stored next to it as evidence (two log-signed,
 * inconsistent checkpoints: a proof anyone can check that the log showed two views).
 */
import { open, readFile, rename, appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { fromBase64, isBase64, toBase64 } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';

export interface WitnessedCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The log-signed checkpoint note as the log sent it. */
  readonly note: string;
  /** POSIX seconds of the witness's cosignature. */
  readonly cosignedAt: number;
}

export type WitnessState = ReadonlyMap<string, WitnessedCheckpoint>;

const StateFileSchema = z.strictObject({
  v: z.literal(1),
  logs: z.record(
    z.string().min(1),
    z.strictObject({
      size: z.int().nonnegative(),
      root: z.string().refine((s) => isBase64(s) && fromBase64(s).length === 32, 'must be a base64 hash'),
      note: z.string(),
      cosignedAt: z.int().nonnegative(),
    }),
  ),
});

/** Parses the state file's text; anything else is refused with the reason (never silently reset). */
export function parseWitnessState(text: string): Result<Map<string, WitnessedCheckpoint>, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`the witness state file is not JSON: ${(e as Error).message}`);
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return err(`the witness state file is damaged: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const state = new Map<string, WitnessedCheckpoint>();
  for (const [origin, c] of Object.entries(parsed.data.logs)) {
    state.set(origin, { size: c.size, root: fromBase64(c.root), note: c.note, cosignedAt: c.cosignedAt });
  }
  return ok(state);
}

export function encodeWitnessState(state: WitnessState): string {
  const logs: Record<string, unknown> = {};
  for (const [origin, c] of [...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    logs[origin] = { size: c.size, root: toBase64(c.root), note: c.note, cosignedAt: c.cosignedAt };
  }
  return `${JSON.stringify({ v: 1, logs }, null, 2)}\n`;
}

/**
 * Reads the state file; a missing file is an empty state (a new witness). A file that exists but cannot
 * be read or parsed is an error: starting empty would let a log roll back past what was cosigned.
 */
export async function loadWitnessState(
  path: string,
): Promise<Result<Map<string, WitnessedCheckpoint>, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(new Map());
    return err(`cannot read the witness state file ${path}: ${(e as Error).message}`);
  }
  const parsed = parseWitnessState(text);
  return parsed.ok ? parsed : err(`${path}: ${parsed.error}`);
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes the whole state durably and atomically (temporary file, fsync, rename, fsync of the folder). */
export async function saveWitnessState(path: string, state: WitnessState): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(encodeWitnessState(state), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  // The rename itself lives in the folder: without this fsync a crash could bring back the old file.
  await fsyncPath(dirname(path), 'r');
}

/** One piece of evidence of log misbehaviour (C2SP tlog-witness: "the witness MAY log the request"). */
export interface Evidence {
  readonly at: number;
  readonly origin: string;
  readonly reason: string;
  /** The checkpoint the witness had cosigned. */
  readonly cosigned: { readonly size: number; readonly note: string } | null;
  /** The whole add-checkpoint request body that conflicts with it. */
  readonly request: string;
}

/** Appends one evidence record (JSON line) and fsyncs it. */
export async function appendEvidence(path: string, evidence: Evidence): Promise<void> {
  await appendFile(path, `${JSON.stringify(evidence)}\n`, { mode: 0o600 });
  await fsyncPath(path, 'r+');
}
