/**
 * Streams a log source through the entry pool: chunks of lines go to the threads as they are read, at
 * most a few per thread in flight, and come back checked, in log order. Before a chunk is sent, the
 * enrolments in it are parsed here and their kiosk keys sent to every thread, so that any later chunk,
 * on any thread, can verify that kiosk's entries.
 */
import { utf8 } from '../../protocol/bytes';
import { parseLeafData } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import { fromBase64 } from '../../protocol/bytes';
import type { CheckedChunk, EntryPool } from './entry-pool';
import type { EntryItem } from './entry-check';

const ENROLMENT_MARK = utf8('"type":"kiosk-enrolment"');

export interface CheckedEntry {
  readonly index: number;
  readonly hash: Uint8Array;
  /** Undefined for entry 0 (the package, checked apart). */
  readonly item: EntryItem | undefined;
  /** Entry 0's bytes only. */
  readonly data?: Uint8Array;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}

function learnKeys(lines: readonly Uint8Array[], pool: EntryPool): void {
  for (const line of lines) {
    if (indexOf(line, ENROLMENT_MARK) < 0) continue;
    const parsed = parseLeafData(line);
    if (parsed.ok && parsed.value.entry.type === 'kiosk-enrolment') {
      pool.addKey(parsed.value.entry.kiosk, fromBase64(parsed.value.entry.publicKey));
    }
  }
}

/** Yields every entry of the source, checked, in order; `verify` false skips signatures. */
export async function* checkedEntries(
  chunks: AsyncIterable<Uint8Array[]>,
  pool: EntryPool,
  verify: boolean,
): AsyncIterable<CheckedEntry[]> {
  const window = Math.max(2, 3 * pool.size);
  const inflight: { first: number; result: Promise<CheckedChunk> }[] = [];
  let next = 0;
  const emit = async (): Promise<CheckedEntry[]> => {
    const { first, result } = inflight.shift()!;
    const { hashes, items } = await result;
    return items.map((item, i) => ({ index: first + i, hash: hashes.subarray(32 * i, 32 * (i + 1)), item }));
  };
  for await (let lines of chunks) {
    if (next === 0 && lines.length > 0) {
      const data = lines[0]!;
      const out: CheckedEntry = { index: 0, hash: leafHash(data), item: undefined, data };
      lines = lines.slice(1);
      next = 1;
      // Earlier chunks (none) are done: entry 0 goes out first.
      yield [out];
    }
    if (lines.length === 0) continue;
    if (verify) learnKeys(lines, pool);
    const first = next;
    next += lines.length;
    const result = pool.submit(lines, verify);
    result.catch(() => {});
    inflight.push({ first, result });
    if (inflight.length >= window) yield await emit();
  }
  while (inflight.length > 0) yield await emit();
}
