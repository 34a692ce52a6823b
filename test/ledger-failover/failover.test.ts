/**
 * The ledger on PostgreSQL with failover (issue: "Beyond one machine"), for real: a Patroni cluster of
 * two PostgreSQL 15 nodes with synchronous replication (patroni-cluster.ts), the ledger connected
 * through a multi-host URL with target_session_attrs=read-write, kiosks ingesting batches without pause
 * while the primary node is killed with kill -9 (its Patroni and its postmaster: a machine lost). Shown:
 *   - every entry the ledger acknowledged before, during and after the failover is in the log, at the
 *     index it was acknowledged with;
 *   - the tree after failover is consistent with the last checkpoint acknowledged before the kill
 *     (RFC 9162 consistency proof verified);
 *   - ingestion resumes by itself: the ledger reconnects to the promoted node, clients only resend the
 *     same bytes after a 503, and acknowledgements continue after the kill.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../protocol/bytes';
import { cosignerKey, verifyNote, type CosignerKey } from '../../protocol/checkpoint';
import { leafHash, verifyConsistency } from '../../protocol/merkle';
import {
  createLedgerFixture,
  type LedgerFixture,
  type TestKiosk,
} from '../../ledger/testing/election-fixture';
import { get, postEntries } from '../../ledger/testing/http-client';
import { startLedger, type RunningLedger } from '../../ledger/server/start-ledger';
import { startPatroniCluster, type PatroniCluster } from './patroni-cluster';

const ROUNDS = 24;
const PER_ROUND = 4;
/** Acknowledged requests before the primary is killed. */
const KILL_AFTER = 40;

interface Ack {
  readonly leaves: readonly Uint8Array[];
  readonly index: number;
  readonly size: number;
  readonly checkpoint: string;
  readonly at: number;
}

let cluster: PatroniCluster | undefined;
let ledger: RunningLedger | undefined;
let f: LedgerFixture;
let logKey: CosignerKey;

beforeAll(async () => {
  f = await createLedgerFixture({ voters: 400, minBatch: 2, maxBatch: 50, origin: 'ledger.test/failover' });
  logKey = cosignerKey(f.logKey.origin, f.logKey.signer.publicKey);
  cluster = await startPatroniCluster();
  await cluster.waitHealthy(90_000);
}, 180_000);

afterAll(async () => {
  await ledger?.close();
  await cluster?.stop();
}, 120_000);

/** Each kiosk's requests, signed before the clock starts: enrolment, then rounds of check-ins + a batch. */
function script(k: TestKiosk, voters: readonly { voterRef: string; style: string }[]): Uint8Array[][] {
  const requests: Uint8Array[][] = [[k.enrolment()]];
  for (let r = 0; r < ROUNDS; r++) {
    const group = voters.slice(r * PER_ROUND, (r + 1) * PER_ROUND);
    for (const v of group) requests.push([k.checkin(v as never)]);
    requests.push(k.batch(group.map((v) => k.ballot(v.style))));
  }
  return requests;
}

function sizeOf(note: string): { size: number; root: Uint8Array } {
  const v = verifyNote(note, [logKey]);
  if (!v.ok) throw new Error(v.error);
  return v.value.checkpoint;
}

describe('ledger on a Patroni cluster', () => {
  it('loses no acknowledged entry when the primary is killed, stays consistent, and resumes by itself', async () => {
    const c = cluster!;
    const clock = Date.parse(f.election.package.window.opens) + 3_600_000;
    ledger = await startLedger({ ...f.ledgerInputs(), pg: c.url, clock: () => clock, verifyThreads: 2 });
    const url = ledger.url;
    const kiosks = [f.kiosk('fo-1'), f.kiosk('fo-2')];
    const scripts = kiosks.map((k, i) =>
      script(
        k,
        f.voters.filter((_, j) => j % kiosks.length === i),
      ),
    );

    const acks: Ack[] = [];
    let killedAt: number | undefined;
    let lastBeforeKill: Ack | undefined;
    let retries = 0;
    const killed = c.primary().then((node) => ({ node }));
    const deadline = Date.now() + 120_000;

    const kill = async () => {
      const { node } = await killed;
      lastBeforeKill = acks.reduce((a, b) => (b.size > a.size ? b : a));
      killedAt = Date.now();
      c.crash(node);
    };

    const run = async (requests: Uint8Array[][]) => {
      for (const leaves of requests) {
        for (let attempt = 0; ; attempt++) {
          if (Date.now() > deadline)
            throw new Error(`ingestion did not finish in time (${acks.length} acks)`);
          const r = await postEntries(url, leaves).catch((e: Error) => ({
            status: 0,
            body: e.message,
            text: e.message,
          }));
          if (r.status === 200) {
            const a = r.body as { index: number; size: number; checkpoint: string };
            acks.push({ leaves, ...a, at: Date.now() });
            if (acks.length === KILL_AFTER && killedAt === undefined) await kill();
            break;
          }
          // 503 (storage unavailable) or a dropped connection: resend the very same bytes, after a pause.
          expect([0, 503], r.text).toContain(r.status);
          retries++;
          await new Promise((res) => setTimeout(res, Math.min(2000, 100 * 2 ** Math.min(attempt, 4))));
        }
      }
    };
    await Promise.all(scripts.map(run));

    // Ingestion resumed by itself: acknowledgements after the kill, every request acknowledged.
    expect(killedAt).toBeDefined();
    const total = scripts.reduce((n, s) => n + s.length, 0);
    expect(acks).toHaveLength(total);
    expect(acks.filter((a) => a.at > killedAt!).length).toBeGreaterThan(total - KILL_AFTER - 2);
    expect(retries).toBeGreaterThan(0);
    const primary = await c.primary();
    expect(primary.name).not.toBe((await killed).node.name);

    // Every acknowledged entry is in the log at its index.
    const final = sizeOf((await get(url, '/v1/checkpoint')).text);
    expect(final.size).toBe(1 + acks.reduce((n, a) => n + a.leaves.length, 0));
    for (const a of acks) {
      const r = await get(url, `/v1/leaves?start=${a.index}&end=${a.index + a.leaves.length}`);
      const hashes = (r.body as { leaves: string[] }).leaves;
      expect(hashes).toEqual(a.leaves.map((l) => Buffer.from(leafHash(l)).toString('base64')));
    }
    // The tree after failover extends the last checkpoint acknowledged before the kill.
    const before = sizeOf(lastBeforeKill!.checkpoint);
    const proof = await get(url, `/v1/proof/consistency?from=${before.size}&to=${final.size}`);
    const hashes = (proof.body as { proof: string[] }).proof.map(fromBase64);
    expect(verifyConsistency(before.size, final.size, hashes, before.root, final.root)).toEqual({
      ok: true,
      value: undefined,
    });
    // And every acknowledged checkpoint too.
    for (const a of acks.filter((_, i) => i % 10 === 0)) {
      const cp = sizeOf(a.checkpoint);
      if (cp.size === final.size) continue;
      const p = await get(url, `/v1/proof/consistency?from=${cp.size}&to=${final.size}`);
      expect(
        verifyConsistency(
          cp.size,
          final.size,
          (p.body as { proof: string[] }).proof.map(fromBase64),
          cp.root,
          final.root,
        ).ok,
      ).toBe(true);
    }
  }, 240_000);
});
