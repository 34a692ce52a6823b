/**
 * Test-only: a running ledger with a witness (ledger/testing's election fixture) and a provisioned
 * kiosk store, for the queue's tests, the cross-folder crash and outage tests, and the benchmark.
 *
 *   const net = await startTestNetwork({ voters: 40, minBatch: 2 });
 *   const kiosk = provisionTestKiosk(net, dir, 'k1');
 *   const queue = kiosk.openQueue();
 *   await queue.enrol(kiosk.testKiosk.enrolment());
 *   …
 *   await net.close();
 */
import { join } from 'node:path';
import { utf8 } from '../../protocol/bytes';
import { cosignerKey } from '../../protocol/checkpoint';
import type { MlDsaKeyPair } from '../../protocol/ml-dsa';
import {
  createLedgerFixture,
  type LedgerFixture,
  type LedgerFixtureOptions,
  type TestKiosk,
} from '../../ledger/testing/election-fixture';
import { startWitnessDouble, type WitnessDouble } from '../../ledger/testing/witness-double';
import { startLedger, type RunningLedger } from '../../ledger/server/start-ledger';
import { Store } from '../store';
import { KioskQueue, type KioskQueueOptions } from './kiosk-queue';
import { memorySigner } from './kiosk-signer';

export interface TestNetwork {
  readonly fixture: LedgerFixture;
  /** The ledger's clock (ms): tests move it, e.g. past closes + drainHours to read entries. */
  readonly clock: { now: number };
  readonly witness: WitnessDouble;
  ledger: RunningLedger | undefined;
  readonly url: string;
  /** Stops the ledger (the witness keeps running); its database stays. */
  stopLedger(): Promise<void>;
  /** Starts it again on the same database and port. */
  startLedger(): Promise<void>;
  close(): Promise<void>;
}

export interface TestNetworkOptions extends LedgerFixtureOptions {
  /** SQLite file of the ledger (default in memory: then a restart starts an empty log). */
  readonly ledgerDb?: string;
}

export async function startTestNetwork(options: TestNetworkOptions = {}): Promise<TestNetwork> {
  const fixture = await createLedgerFixture(options);
  const opens = Date.parse(fixture.election.package.window.opens);
  const clock = { now: opens + 60_000 };
  const logKey = cosignerKey(fixture.logKey.origin, fixture.logKey.signer.publicKey);
  const witness = await startWitnessDouble(fixture.witnessSigners[0]!, logKey, () => clock.now);
  let port = 0;
  const start = async () => {
    const ledger = await startLedger({
      ...fixture.ledgerInputs(options.ledgerDb),
      clock: () => clock.now,
      port,
      witnesses: [witness.url],
      witnessOptions: { minBackoffMs: 50, maxBackoffMs: 500 },
      verifyThreads: 1,
    });
    port = ledger.port;
    return ledger;
  };
  const first = await start();
  const net: TestNetwork = {
    fixture,
    clock,
    witness,
    ledger: first,
    url: first.url,
    async stopLedger() {
      await net.ledger?.close();
      net.ledger = undefined;
    },
    async startLedger() {
      if (!net.ledger) net.ledger = await start();
    },
    async close() {
      await net.ledger?.close();
      net.ledger = undefined;
      await witness.close();
    },
  };
  return net;
}

export interface TestKioskStore {
  readonly store: Store;
  readonly keys: MlDsaKeyPair;
  /** The fixture's kiosk of the same key: signs the enrolment (with the official's card). */
  readonly testKiosk: TestKiosk;
  /** Opens a queue on the store, unlocked with the kiosk key, pointed at the network's ledger. */
  openQueue(options?: Omit<KioskQueueOptions, 'store'>): KioskQueue;
}

/** A kiosk store provisioned for the fixture's election, with the key of `fixture.kiosk(label)`. */
export function provisionTestKiosk(net: TestNetwork, dir: string, label: string): TestKioskStore {
  const opened = Store.open(join(dir, `${label}.db`));
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  const testKiosk = net.fixture.kiosk(label);
  if (!store.kiosk.get()) {
    const configured = store.kiosk.configure({
      electionId: net.fixture.electionId,
      packageBytes: utf8(net.fixture.packageText),
      kioskId: testKiosk.id,
      publicKey: testKiosk.keys.publicKey,
      // Tests do not seal the key (no HSM here); the store only keeps opaque bytes.
      sealedKey: utf8('test key: not sealed'),
    });
    if (!configured.ok) throw new Error(configured.error);
  }
  return {
    store,
    keys: testKiosk.keys,
    testKiosk,
    openQueue(options = {}) {
      const queue = KioskQueue.open({
        store,
        ledgerUrl: net.url,
        backoff: { baseMs: 20, maxMs: 200 },
        witnessPollMs: 20,
        ...options,
      });
      if (!queue.ok) throw new Error(queue.error);
      const unlocked = queue.value.unlock(memorySigner(testKiosk.keys));
      if (!unlocked.ok) throw new Error(unlocked.error);
      return queue.value;
    },
  };
}

/** Waits until `done()` holds, checking every `everyMs` (bounded: throws after `timeoutMs`). */
export async function waitFor(
  done: () => boolean,
  what: string,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
