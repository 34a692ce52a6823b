/**
 * One entry point for scanner output: decides whether bytes are an AAMVA payload (starts with the
 * compliance indicator `@`) or an ICAO 9303 MRZ (lines of A-Z, 0-9, <), and parses them to an
 * IdDocument or refuses them with the reason. Scanner bytes are outside input (CONVENTIONS:
 * Boundaries): nothing here throws on any byte string.
 */
import { err, type Result } from '../../protocol/result';
import { parseAamva } from './aamva-parse';
import { refusal, type DocumentRefusal, type IdDocument } from './id-document';
import { parseMrz, splitMrzLines } from './mrz-parse';

export type FormatChoice = 'auto' | 'mrz' | 'aamva';

export interface ParseDocumentOptions {
  readonly format?: FormatChoice;
  /** "Today" for two-digit MRZ years (DESIGN §10). */
  readonly now?: Date;
}

/** Largest input considered: PDF417 holds at most ~1.8 kB, an MRZ 90 characters. */
export const MAX_DOCUMENT_BYTES = 8192;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function leadingSpace(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  return i;
}

/** What the bytes look like, for auto-detection. */
export function detectFormat(bytes: Uint8Array): 'mrz' | 'aamva' | null {
  const start = leadingSpace(bytes);
  if (bytes[start] === 0x40) return 'aamva';
  const lines = splitMrzLines(asciiText(bytes) ?? '');
  if (lines.length >= 2 && lines.length <= 3 && lines.every((l) => /^[A-Z0-9<]+$/.test(l))) return 'mrz';
  return null;
}

/** The bytes as text when every byte is printable ASCII or a line break; otherwise null. */
function asciiText(bytes: Uint8Array): string | null {
  for (const b of bytes)
    if (!((b >= 0x20 && b <= 0x7e) || b === 0x0a || b === 0x0d || b === 0x09)) return null;
  return String.fromCharCode(...bytes);
}

export function parseDocument(
  bytes: Uint8Array,
  options: ParseDocumentOptions = {},
): Result<IdDocument, DocumentRefusal> {
  if (bytes.length === 0) return err(refusal('not-a-document', 'no data was read'));
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    return err(
      refusal(
        'not-a-document',
        `${bytes.length} bytes is more than any identity document holds (${MAX_DOCUMENT_BYTES})`,
      ),
    );
  }
  const choice = options.format ?? 'auto';
  const kind = choice === 'auto' ? detectFormat(bytes) : choice;
  if (kind === 'aamva') {
    const start = leadingSpace(bytes);
    if (bytes[start] !== 0x40) {
      return err(refusal('aamva-header', 'an AAMVA payload starts with the compliance indicator @'));
    }
    return parseAamva(bytes.subarray(start));
  }
  if (kind === 'mrz') {
    const text = asciiText(bytes);
    if (text === null)
      return err(refusal('mrz-shape', 'an MRZ is printable ASCII text, but the data has other bytes'));
    return parseMrz(text, options.now ? { now: options.now } : {});
  }
  return err(
    refusal(
      'not-a-document',
      'not an identity document: expected an ICAO 9303 MRZ (3 lines of 30, or 2 of 36 or 44 characters A-Z, 0-9, <) ' +
        'or an AAMVA PDF417 payload starting with @',
    ),
  );
}
