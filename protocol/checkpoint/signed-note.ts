/**
 * C2SP signed-note ("Format", "Signatures"): a text ending in a newline, a blank line, then one or more
 * signature lines `— <key name> <base64(4-byte key ID ‖ signature)>\n` (em dash U+2014, space). The text
 * is separated from the signatures by the last blank line. Signatures from unknown keys are kept here,
 * so that a note passes through unchanged; verify-note.ts ignores them.
 */
import { concatBytes, toBase64, toHex } from '../bytes';
import { err, ok, type Result } from '../result';
import { decodeCanonicalBase64, isValidKeyName, noteTextProblem, quote } from './text-rules';

/** Em dash (U+2014) and a space: the start of every signature line. */
export const SIGNATURE_LINE_PREFIX = '\u2014 ';

/** At least the 16 the spec requires, with room for many witnesses; bounds the work a note can cause. */
export const MAX_NOTE_SIGNATURES = 100;
/** 100 ML-DSA-44 cosignature lines are about 330 kB. */
export const MAX_NOTE_LENGTH = 1_000_000;

export interface NoteSignature {
  /** Key name. */
  readonly name: string;
  /** The 4-byte key ID (big-endian uint32 in the spec). */
  readonly keyId: Uint8Array;
  /** The bytes after the key ID (for our cosignatures: u64 timestamp ‖ ML-DSA-44 signature). */
  readonly signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, including its final newline but not the blank line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** `name` and hex key ID, as people read them in messages. */
export function describeSigner(sig: Pick<NoteSignature, 'name' | 'keyId'>): string {
  return `${sig.name}+${toHex(sig.keyId)}`;
}

/** One signature line, newline included. Names that break the format are a bug and throw. */
export function encodeSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw new RangeError(`invalid key name ${quote(sig.name)}`);
  if (sig.keyId.length !== 4) throw new RangeError(`key ID must be 4 bytes, got ${sig.keyId.length}`);
  if (sig.signature.length === 0) throw new RangeError('empty signature');
  return `${SIGNATURE_LINE_PREFIX}${sig.name} ${toBase64(concatBytes(sig.keyId, sig.signature))}\n`;
}

function parseSignatureLine(line: string, where: string): Result<NoteSignature, string> {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) {
    return err(`${where} ${quote(line)} does not start with an em dash (U+2014) and a space`);
  }
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) return err(`${where} has no space between key name and signature`);
  const name = rest.slice(0, space);
  const b64 = rest.slice(space + 1);
  if (!isValidKeyName(name)) {
    return err(`${where} key name ${quote(name)} is empty or contains a space or plus`);
  }
  const bytes = decodeCanonicalBase64(b64);
  if (!bytes) return err(`${where} (${name}) signature is not canonical standard base64`);
  if (bytes.length < 5)
    return err(`${where} (${name}) signature is ${bytes.length} bytes; it needs a key ID and more`);
  return ok({ name, keyId: bytes.slice(0, 4), signature: bytes.slice(4) });
}

/**
 * Parses newline-terminated signature lines (the tail of a note, or a tlog-witness add-checkpoint
 * response body, C2SP tlog-witness "add-checkpoint"). At least one line is required.
 */
export function parseSignatureLines(text: string): Result<NoteSignature[], string> {
  const problem = noteTextProblem(text);
  if (problem) return err(`signature lines: text ${problem}`);
  if (text.length === 0) return err('there are no signature lines');
  if (!text.endsWith('\n')) return err('the last signature line does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    return err(`${lines.length} signature lines; at most ${MAX_NOTE_SIGNATURES} are accepted`);
  }
  const out: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const parsed = parseSignatureLine(line, `signature line ${i + 1}`);
    if (!parsed.ok) return parsed;
    out.push(parsed.value);
  }
  return ok(out);
}

/** Parses a signed note (C2SP signed-note "Format"), refusing anything malformed with the reason. */
export function parseSignedNote(note: string): Result<SignedNote, string> {
  if (note.length > MAX_NOTE_LENGTH)
    return err(`note is ${note.length} characters; at most ${MAX_NOTE_LENGTH}`);
  const problem = noteTextProblem(note);
  if (problem) return err(`note ${problem}`);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return err('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const signatures = parseSignatureLines(note.slice(split + 2));
  if (!signatures.ok) return signatures;
  return ok({ text, signatures: signatures.value });
}

/** The note as text: its text, a blank line, each signature line. */
export function encodeSignedNote(note: SignedNote): string {
  if (!note.text.endsWith('\n')) throw new RangeError('note text must end with a newline');
  if (note.signatures.length === 0) throw new RangeError('a signed note needs at least one signature');
  return `${note.text}\n${note.signatures.map(encodeSignatureLine).join('')}`;
}

/**
 * The note with `extra` signatures added after its own, skipping any whose exact bytes it already has
 * (a client merging witness cosignatures into its view of a checkpoint, C2SP tlog-witness).
 */
export function withSignatures(note: SignedNote, extra: readonly NoteSignature[]): SignedNote {
  const seen = new Set(note.signatures.map(encodeSignatureLine));
  const added: NoteSignature[] = [];
  for (const sig of extra) {
    const line = encodeSignatureLine(sig);
    if (!seen.has(line)) {
      seen.add(line);
      added.push(sig);
    }
  }
  return { text: note.text, signatures: [...note.signatures, ...added] };
}
