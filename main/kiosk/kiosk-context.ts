/**
 * What the kiosk's services share (composition root: main/kiosk/kiosk.ts): the devices, the store and
 * the event log made at start-up, and the few pieces of state that change over the kiosk's life (the
 * election loaded, the queue once provisioned, the unsealed key while unlocked). Each service owns one
 * part of the behaviour; this object is how they see each other's state.
 */
import type { CardReader } from '../../drivers/pkcs11/card-reader';
import type { Hsm } from '../../drivers/pkcs11/hsm';
import type { IdScanner } from '../../drivers/id-scanner/scanner';
import type { PeripheralController } from '../../firmware-bridge/peripheral-controller';
import type { LoadedElection, TrustFile } from '../../protocol/election';
import type { MlDsaKeyPair, MlDsaVerifier } from '../../protocol/ml-dsa';
import type { ProvisioningBundle } from '../../protocol/voters/provisioning-bundle';
import type { KioskAuth } from '../auth/kiosk-auth';
import type { EventLog } from '../event-log/event-log';
import type { LoadedProvisioning } from '../provisioning/election-files';
import type { KioskQueue, KioskQueueOptions } from '../queue';
import type { Store } from '../store';

export interface KioskDevices {
  readonly reader: CardReader;
  readonly hsm: Hsm;
  readonly scanners: readonly IdScanner[];
  /** Null when the kiosk runs without an enclosure controller (development). */
  readonly controller: PeripheralController | null;
}

export interface KioskDeps {
  readonly mode: 'demo' | 'real';
  readonly dataDir: string;
  readonly version: string;
  readonly store: Store;
  readonly eventLog: EventLog;
  readonly devices: KioskDevices;
  /** The authority trust file configured on the kiosk (DESIGN §4), apart from any package. */
  readonly trust: TrustFile;
  /** Officials' CA certificates (PEM) for card sign-in before an election package is loaded. */
  readonly officialsCa: readonly string[];
  /** Overrides the package's `ledger.url` (the demo's embedded ledger runs on a free port). */
  readonly ledgerUrl?: string;
  /** Secret (≥ 32 bytes) keying the PIN-failure counter per card. */
  readonly attemptSecret: Uint8Array;
  /** A stable id for this machine before it has a kiosk key (event-log export, card challenges). */
  readonly machineId: string;
  readonly verifier: MlDsaVerifier;
  readonly clock: () => number;
  /** Extra queue options (tests: faster polls and timeouts). */
  readonly queueOptions?: Partial<Omit<KioskQueueOptions, 'store' | 'log' | 'verifier' | 'ledgerUrl'>>;
}

export class KioskContext {
  /** Package and bundle verified, not yet turned into a kiosk key (provisioning step 1). */
  pending: LoadedProvisioning | null = null;
  /** The election this kiosk is provisioned for (from the store), or the pending one. */
  election: LoadedElection | null = null;
  bundle: ProvisioningBundle | null = null;
  signatures: { valid: number; required: number } | null = null;
  /** Open once the store holds a kiosk configuration. */
  queue: KioskQueue | null = null;
  /** The unsealed kiosk key while the kiosk is unlocked (DESIGN §8), else null. */
  keys: MlDsaKeyPair | null = null;
  /** Whether a voter is using the kiosk (the session service keeps it current). */
  voterSessionActive = false;
  private revision = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly deps: KioskDeps,
    readonly auth: KioskAuth,
  ) {}

  get log(): EventLog {
    return this.deps.eventLog;
  }

  get store(): Store {
    return this.deps.store;
  }

  now(): number {
    return this.deps.clock();
  }

  get demo(): boolean {
    return this.deps.mode === 'demo';
  }

  /** The ledger this kiosk talks to. */
  ledgerUrl(): string | null {
    return this.deps.ledgerUrl ?? this.election?.package.ledger.url ?? null;
  }

  /** The kiosk id once a key exists, else the machine id (for exports and card challenges). */
  kioskIdOrMachine(): string {
    return this.store.kiosk.get()?.kioskId ?? this.deps.machineId;
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** Something changed that the screen shows. */
  changed(): void {
    this.revision += 1;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Resolves when the revision passes `after`, or after `timeoutMs`. */
  waitForChange(after: number, timeoutMs: number): Promise<void> {
    if (this.revision > after) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(done);
    });
  }

  /** Wakes every long poll (shutdown). */
  wakeAll(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
