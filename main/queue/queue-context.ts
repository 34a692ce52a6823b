/**
 * What the queue's parts share: the store, the election, this kiosk's id, the current signer (present
 * only while an official has unlocked the kiosk, DESIGN §8), the verifier used to check what a signer
 * returns, and the event logger.
 */
import type { LoadedElection } from '../../protocol/election';
import { kioskId, type KioskId } from '../../protocol/entries';
import type { MlDsaVerifier } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import type { Store } from '../store';
import type { KioskSigner } from './kiosk-signer';
import type { QueueLogger } from './queue-events';

export interface QueueContext {
  readonly store: Store;
  readonly election: LoadedElection;
  readonly kiosk: KioskId;
  readonly signer: SignerSlot;
  readonly verifier: MlDsaVerifier;
  readonly log: QueueLogger;
  /** `privacy.minBatch` and `limits.maxBatch` of the package (DESIGN §4). */
  readonly minBatch: number;
  readonly maxBatch: number;
  readonly now: () => Date;
}

/** Holds the kiosk signer while the kiosk is unlocked. */
export class SignerSlot {
  private current: KioskSigner | undefined;

  constructor(private readonly kiosk: KioskId) {}

  /** Puts the unsealed key in place; refused if it is not this kiosk's key. */
  set(signer: KioskSigner): Result<void, string> {
    let id: string;
    try {
      id = kioskId(signer.publicKey);
    } catch (e) {
      return err(`the key offered is not an ML-DSA-65 kiosk key: ${(e as Error).message}`);
    }
    if (id !== this.kiosk) return err(`the key offered is kiosk ${id}, not this kiosk (${this.kiosk})`);
    this.current = signer;
    return ok(undefined);
  }

  clear(): void {
    this.current = undefined;
  }

  get(): KioskSigner | undefined {
    return this.current;
  }
}

export const LOCKED_MESSAGE =
  'The kiosk is locked: an official must enter the HSM PIN (open or resume polls) before anything can be signed.';
