/**
 * The checkpoint note text (C2SP tlog-checkpoint, "Note text"; DESIGN §6, normative):
 *
 *     <origin>\n<tree size in decimal>\n<base64 of the 32-byte RFC 6962 root>\n[extension lines]
 *
 * The parser is strict (an auditor re-implementing it must reach the same verdict): no leading zeroes,
 * standard padded base64 of exactly 32 bytes, every line ending in a newline. Extension lines are
 * allowed by the spec (opaque, non-empty) and kept, but this project never emits them, and ML-DSA-44
 * cosignatures do not cover them (C2SP tlog-cosignature, "ML-DSA-44 signed message"), so verify-note.ts
 * refuses signed checkpoints that carry any.
 */
import { toBase64 } from '../bytes';
import { err, ok, type Result } from '../result';
import { decodeCanonicalBase64, noteTextProblem, quote } from './text-rules';

export interface Checkpoint {
  /** Unique identifier of the log (C2SP: a schema-less URL); also the name the log signs with. */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 9162 §2.1.1 root of the tree of `size` leaves. */
  readonly root: Uint8Array;
  /** Opaque extension lines (never emitted by this project). */
  readonly extensions: readonly string[];
}

const SIZE_RE = /^(?:0|[1-9][0-9]*)$/;

/** A checkpoint without extension lines (the only kind this project creates). */
export function checkpoint(origin: string, size: number, root: Uint8Array): Checkpoint {
  return { origin, size, root: root.slice(), extensions: [] };
}

/** The note text of a checkpoint, ending in a newline. A checkpoint no parser would accept is a bug. */
export function encodeCheckpointBody(cp: Checkpoint): string {
  const text = [cp.origin, String(cp.size), toBase64(cp.root), ...cp.extensions].join('\n') + '\n';
  const parsed = parseCheckpointBody(text);
  if (!parsed.ok) throw new RangeError(`cannot encode checkpoint: ${parsed.error}`);
  return text;
}

/** Parses checkpoint note text (without the blank line and signatures), refusing anything malformed. */
export function parseCheckpointBody(text: string): Result<Checkpoint, string> {
  const problem = noteTextProblem(text);
  if (problem) return err(`checkpoint ${problem}`);
  if (!text.endsWith('\n')) return err('checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return err(`checkpoint has ${lines.length} lines; it needs origin, size and root`);
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];

  if (origin.length === 0) return err('checkpoint line 1 (origin) is empty');
  if (!SIZE_RE.test(sizeText)) {
    return err(`checkpoint line 2 (size) ${quote(sizeText)} is not a decimal number without leading zeroes`);
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return err(`checkpoint line 2 (size) ${sizeText} is too large`);
  const root = decodeCanonicalBase64(rootText);
  if (!root) return err(`checkpoint line 3 (root) ${quote(rootText)} is not canonical standard base64`);
  if (root.length !== 32) return err(`checkpoint line 3 (root) is ${root.length} bytes, not 32`);
  const empty = extensions.findIndex((line) => line.length === 0);
  if (empty >= 0) return err(`checkpoint line ${empty + 4} (extension) is empty`);
  return ok({ origin, size, root, extensions });
}
