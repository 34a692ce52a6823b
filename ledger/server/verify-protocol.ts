/** Messages between the ledger's verify pool and its worker threads (verify-pool.ts, verify-worker.ts). */
import type { MlDsaLevel } from '../../protocol/ml-dsa';

/** One ML-DSA verification: pure mode, with the FIPS 204 context of its purpose (DESIGN §3). */
export interface VerifyItem {
  readonly level: MlDsaLevel;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly context: Uint8Array;
}

export interface VerifyTask {
  readonly id: number;
  readonly items: readonly VerifyItem[];
}

export type VerifyReply =
  | { readonly kind: 'ready'; readonly verifier: string; readonly note?: string }
  | { readonly kind: 'done'; readonly id: number; readonly results: Uint8Array };
