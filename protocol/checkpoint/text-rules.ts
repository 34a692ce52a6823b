/**
 * Character rules shared by signed notes and checkpoints (C2SP signed-note, "Format"): notes are valid
 * UTF-8 with no ASCII control character but newline; key names are non-empty and contain neither
 * Unicode spaces nor plus (U+002B).
 */
import { fromBase64, isBase64, toBase64 } from '../bytes';

// Lone UTF-16 surrogates cannot be encoded as UTF-8: such a string is not a note anyone could have signed.
const LONE_SURROGATE = /\p{Cs}/u;
// JS \s covers Unicode White_Space (Zs, line/paragraph separators, tabs...); U+0085 is White_Space too.
const SPACE_OR_PLUS = /[\s\u0085+]/u;

/** Why `text` cannot be (part of) a signed note, or null when it can. */
export function noteTextProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'is not valid UTF-8 (lone surrogate)';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) {
      return `contains the control character U+${c.toString(16).padStart(4, '0')} (only newline is allowed)`;
    }
  }
  return null;
}

/** C2SP signed-note key names (and our checkpoint origins, which double as the log's key name). */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 && !SPACE_OR_PLUS.test(name) && noteTextProblem(name) === null && !name.includes('\n')
  );
}

/** Shortens untrusted text for an error message. */
export function quote(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * Decodes standard padded base64 (RFC 4648 §4) only in its canonical form (§3.5: unused bits of the last
 * character are zero), or returns null. Otherwise two different texts would carry the same bytes, and a
 * note's signatures could be re-encoded without anyone noticing.
 */
export function decodeCanonicalBase64(text: string): Uint8Array | null {
  if (!isBase64(text)) return null;
  const bytes = fromBase64(text);
  return toBase64(bytes) === text ? bytes : null;
}
