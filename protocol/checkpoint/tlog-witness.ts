/**
 * The wire formats of C2SP tlog-witness "add-checkpoint", shared by the ledger (client) and the witness
 * (server) so both agree byte for byte:
 *
 * - request body: `old <size>\n`, zero to 63 consistency proof lines (one base64 hash each, RFC 6962
 *   §2.1.2 / RFC 9162 §2.1.4 proof from the old size to the checkpoint size; none when the old size is
 *   0), an empty line, then the signed checkpoint note;
 * - 200 response body: one or more note signature lines (the witness's cosignatures);
 * - 409 response body (old size is not the witness's latest): that size in decimal and a newline, with
 *   Content-Type `text/x.tlog.size`.
 *
 * Everything the spec makes a "400 Bad Request" is refused by the parser, with the reason.
 */
import { toBase64 } from '../bytes';
import { err, ok, type Result } from '../result';
import { parseCheckpointBody, type Checkpoint } from './checkpoint-body';
import { parseSignatureLines, parseSignedNote, type NoteSignature, type SignedNote } from './signed-note';
import { decodeCanonicalBase64, noteTextProblem, quote } from './text-rules';

/** The spec's limit on consistency proof lines. */
export const MAX_PROOF_LINES = 63;
/** Content-Type of a 409 answer's body. */
export const TREE_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

const DECIMAL_RE = /^(?:0|[1-9][0-9]*)$/;

export interface AddCheckpointRequest {
  /** Size of the checkpoint the witness last cosigned for this log (0 if none). */
  readonly oldSize: number;
  /** Consistency proof from `oldSize` to the checkpoint's size. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note. */
  readonly checkpointNote: string;
}

export interface ParsedAddCheckpointRequest extends AddCheckpointRequest {
  readonly note: SignedNote;
  readonly checkpoint: Checkpoint;
}

function parseDecimal(text: string, what: string): Result<number, string> {
  if (!DECIMAL_RE.test(text))
    return err(`${what} ${quote(text)} is not a decimal number without leading zeroes`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return err(`${what} ${text} is too large`);
  return ok(n);
}

/** The add-checkpoint request body. A request no witness would accept is a bug and throws. */
export function encodeAddCheckpointRequest(req: AddCheckpointRequest): string {
  const body =
    `old ${req.oldSize}\n` + req.proof.map((h) => `${toBase64(h)}\n`).join('') + '\n' + req.checkpointNote;
  const parsed = parseAddCheckpointRequest(body);
  if (!parsed.ok) throw new RangeError(`cannot encode add-checkpoint request: ${parsed.error}`);
  return body;
}

/** Parses an add-checkpoint request body (C2SP tlog-witness "add-checkpoint"); errors mean 400. */
export function parseAddCheckpointRequest(body: string): Result<ParsedAddCheckpointRequest, string> {
  const problem = noteTextProblem(body);
  if (problem) return err(`request body ${problem}`);
  const end = body.indexOf('\n\n');
  if (end < 0) return err('request has no empty line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, end).split('\n') as [string, ...string[]];
  if (!oldLine.startsWith('old ')) return err(`request line 1 ${quote(oldLine)} is not "old <size>"`);
  const oldSize = parseDecimal(oldLine.slice(4), 'old size');
  if (!oldSize.ok) return oldSize;
  if (proofLines.length > MAX_PROOF_LINES) {
    return err(`request has ${proofLines.length} proof lines; at most ${MAX_PROOF_LINES} are allowed`);
  }
  const proof: Uint8Array[] = [];
  for (const [i, line] of proofLines.entries()) {
    const hash = decodeCanonicalBase64(line);
    if (!hash) return err(`request line ${i + 2} (proof hash) is not canonical standard base64`);
    if (hash.length !== 32) return err(`request line ${i + 2} (proof hash) is ${hash.length} bytes, not 32`);
    proof.push(hash);
  }
  if (oldSize.value === 0 && proof.length > 0) return err('the proof must be empty when the old size is 0');
  const checkpointNote = body.slice(end + 2);
  const note = parseSignedNote(checkpointNote);
  if (!note.ok) return err(`checkpoint note: ${note.error}`);
  const cp = parseCheckpointBody(note.value.text);
  if (!cp.ok) return cp;
  if (oldSize.value > cp.value.size) {
    return err(`old size ${oldSize.value} is larger than the checkpoint size ${cp.value.size}`);
  }
  return ok({ oldSize: oldSize.value, proof, checkpointNote, note: note.value, checkpoint: cp.value });
}

/** Parses a 200 answer: the witness's cosignature lines (to be checked with verify-note.ts). */
export function parseAddCheckpointResponse(body: string): Result<NoteSignature[], string> {
  const sigs = parseSignatureLines(body);
  return sigs.ok ? sigs : err(`witness answer: ${sigs.error}`);
}

/** The body of a 409 answer: the witness's latest cosigned size. */
export function encodeTreeSizeBody(size: number): string {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`not a tree size: ${size}`);
  return `${size}\n`;
}

/** Parses a 409 answer body. */
export function parseTreeSizeBody(body: string): Result<number, string> {
  if (!body.endsWith('\n')) return err('tree size answer does not end with a newline');
  return parseDecimal(body.slice(0, -1), 'tree size answer');
}
