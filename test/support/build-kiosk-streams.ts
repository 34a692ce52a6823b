/**
 * Child process of the audit benchmark: signs the request streams of some kiosks of a saved election
 * (election-files.ts) and writes each to `<out>/kiosk-<i>.jsonl` (kiosk-stream-file.ts).
 *
 *   node --import tsx test/support/build-kiosk-streams.ts <election dir> <out dir> <kiosk count> <i> [<i>…]
 *
 * Voter j votes at kiosk j mod <kiosk count> (simulation.ts), so each kiosk's stream can be made apart.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTestElection } from './election-files';
import { writeKioskStream } from './kiosk-stream-file';
import { SimKiosk, TestRng } from './sim-kiosk';
import { kioskStream } from './simulation';

const [electionDir, out, countText, ...indexes] = process.argv.slice(2);
if (!electionDir || !out || !countText || indexes.length === 0) {
  process.stderr.write('usage: build-kiosk-streams.ts <election dir> <out dir> <kiosk count> <index>...\n');
  process.exit(2);
}
const e = await loadTestElection(electionDir);
const count = Number(countText);
for (const i of indexes.map(Number)) {
  const path = join(out, `kiosk-${i}.jsonl`);
  if (existsSync(path)) continue;
  const started = Date.now();
  const kiosk = new SimKiosk(
    e.election.electionId,
    `sim-${i + 1}`,
    e.election.package.privacy.minBatch,
    e.officials[i % e.officials.length]!,
    new TestRng(0x5eed + i),
  );
  const requests = kioskStream(e, kiosk, i, count, e.voters);
  await writeKioskStream(path, requests);
  process.stderr.write(
    `  kiosk ${i + 1}/${count}: ${requests.length} requests signed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}
