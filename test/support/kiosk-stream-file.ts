/**
 * A kiosk's timed requests (simulation.ts kioskStream) as a file, one JSON line per request:
 * `{"t": ms, "kiosk": n, "leaves": ["<leaf data>", …]}` (leaf data is UTF-8 JSON text), so that kiosk
 * streams can be signed in parallel processes, cached, and merged by time without holding them all.
 */
import { createReadStream } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fromUtf8, utf8 } from '../../protocol/bytes';
import type { TimedRequest } from './simulation';

export async function writeKioskStream(path: string, requests: readonly TimedRequest[]): Promise<void> {
  const text = requests
    .map((r) => JSON.stringify({ t: r.t, kiosk: r.kiosk, leaves: r.leaves.map((l) => fromUtf8(l)) }))
    .join('\n');
  // Written whole, then renamed: a file that exists is complete (the benchmark resumes after a stop).
  await writeFile(`${path}.partial`, `${text}\n`);
  await rename(`${path}.partial`, path);
}

export async function* readKioskStream(path: string): AsyncGenerator<TimedRequest> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const r = JSON.parse(line) as { t: number; kiosk: number; leaves: string[] };
    yield { t: r.t, kiosk: r.kiosk, leaves: r.leaves.map(utf8) };
  }
}

/** Merges kiosk stream files by time, then kiosk (as simulation.ts mergeStreams), reading each in order. */
export async function* mergeStreamFiles(paths: readonly string[]): AsyncGenerator<TimedRequest> {
  const readers = paths.map((p) => readKioskStream(p));
  const heads = await Promise.all(readers.map((r) => r.next()));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (h.done) continue;
      const b = best < 0 ? undefined : heads[best]!;
      if (!b || b.done || h.value.t < b.value.t || (h.value.t === b.value.t && h.value.kiosk < b.value.kiosk))
        best = i;
    }
    if (best < 0) return;
    const h = heads[best]!;
    if (h.done) return;
    yield h.value;
    heads[best] = await readers[best]!.next();
  }
}
