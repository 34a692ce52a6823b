/**
 * Kiosk queue figures (issue 6 "Proof it holds"), against a local ledger on SQLite (a file, with its
 * witness), with the package's default privacy and limits (minBatch 20, maxBatch 1000):
 * - cast latency, press to durable: build + ML-DSA-65 sign + signature check + one SQLite transaction
 *   (WAL, synchronous FULL: fsynced), p50 and p99 over every cast;
 * - drain rate: the ballots queued while the batcher was stopped, from its start until every batch is
 *   appended with a verified answer (log signature, inclusion proofs, consistency), and until witnessed.
 * Check-ins (needed first: never more ballots than check-ins) are not timed. `BENCH_KIOSK_BALLOTS`
 * changes how many ballots are cast (default 600).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleSigner, nobleVerifier } from '../protocol/ml-dsa';
import { fastestMlDsaSigner, fastestMlDsaVerifier } from '../native/ml-dsa';
import { provisionTestKiosk, startTestNetwork, waitFor } from '../main/queue/test-kiosk';
import type { Report } from './report';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(report: Report): Promise<void> {
  const ballots = Number(process.env['BENCH_KIOSK_BALLOTS'] ?? '600');
  const dir = mkdtempSync(join(tmpdir(), 'ogas-kiosk-bench-'));
  const net = await startTestNetwork({
    voters: ballots,
    minBatch: 20,
    maxBatch: 1000,
    ledgerDb: join(dir, 'ledger.db'),
  });
  const { verifier, note } = fastestMlDsaVerifier(nobleVerifier);
  const { signer } = fastestMlDsaSigner(nobleSigner);
  try {
    const kiosk = provisionTestKiosk(net, dir, 'bench');
    const queue = kiosk.openQueue({ verifier, witnessPollMs: 5, backoff: { baseMs: 10, maxMs: 100 } });
    const enrolled = await queue.enrol(kiosk.testKiosk.enrolment());
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    // Check-ins, 16 at a time (not timed).
    const voters = net.fixture.voters.slice(0, ballots);
    for (let i = 0; i < voters.length; i += 16) {
      const results = await Promise.all(
        voters.slice(i, i + 16).map((v) => queue.checkIn(v.voterRef, v.style)),
      );
      for (const r of results) if (!r.ok) throw new Error(r.error.message);
    }

    const latencies: number[] = [];
    for (const v of voters) {
      const t = performance.now();
      const r = await queue.cast({ style: v.style, selections: { proposal: ['yes'] } });
      latencies.push(performance.now() - t);
      if (!r.ok) throw new Error(r.error.message);
    }
    latencies.sort((a, b) => a - b);
    const how = `${ballots} casts, sign with ${signer.name}, check with ${verifier.name}, WAL + synchronous FULL`;
    report('kiosk cast latency p50 (press to durable)', percentile(latencies, 50), 'ms', how);
    report('kiosk cast latency p99 (press to durable)', percentile(latencies, 99), 'ms', how);

    const start = performance.now();
    queue.start();
    const queued = () => kiosk.store.ballots.queuedCount();
    await waitFor(
      () => queued() < 40 && queue.status().entriesUnsent === 0,
      'the batches to be appended',
      600_000,
      2,
    );
    const appendedMs = performance.now() - start;
    const sent = ballots - queued();
    await waitFor(() => queue.status().batchesInFlight === 0, 'the batches to be witnessed', 600_000, 2);
    const witnessedMs = performance.now() - start;
    await queue.stop();
    const batches = kiosk.store.chain.all().filter((e) => e.kind === 'batch').length;
    const drain = `${sent} ballots in ${batches} batch(es) to a local SQLite ledger${note ? `; ${note}` : ''}`;
    report('kiosk drain rate (appended, verified answers)', (sent * 1000) / appendedMs, 'ballots/s', drain);
    report('kiosk drain rate (witnessed)', (sent * 1000) / witnessedMs, 'ballots/s', drain);
    kiosk.store.close();
  } finally {
    await net.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
