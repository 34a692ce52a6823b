/**
 * The typed message protocol between a Pkcs11Host (main thread) and its PKCS#11 worker. One table
 * names every operation with its arguments and its answer, so both ends are checked by the compiler.
 * Messages are structured-cloned: plain objects, strings, numbers and Uint8Arrays only.
 */
import type { FaultRule } from './fault-injection';
import type { Pkcs11Error } from './pkcs11-errors';
import type {
  CardSignature,
  ModuleSummary,
  OpenedSession,
  SecretKeyInfo,
  SlotEvent,
  TokenCertificate,
  TokenSummary,
} from './pkcs11-types';

type Session = { readonly session: number };
type Empty = Record<string, never>;

export interface Pkcs11Ops {
  /** C_Initialize (again after a finalize); `faultInjection` switches the test wrapper on for this run. */
  initialize: { args: { readonly faultInjection: boolean }; value: ModuleSummary };
  info: { args: Empty; value: ModuleSummary };
  /** Sessions the worker holds open (0 when nothing is left half-done). */
  status: { args: Empty; value: { readonly openSessions: number } };
  tokens: { args: Empty; value: TokenSummary[] };
  slotEvent: { args: Empty; value: SlotEvent };
  mechanisms: { args: { readonly label: string }; value: number[] };
  openSession: { args: { readonly label: string; readonly readWrite: boolean }; value: OpenedSession };
  closeSession: { args: Session; value: null };
  login: { args: Session & { readonly pin: string }; value: null };
  logout: { args: Session; value: null };
  certificates: { args: Session; value: TokenCertificate[] };
  sign: { args: Session & { readonly keyId: string; readonly message: Uint8Array }; value: CardSignature };
  secretKeyInfo: { args: Session & { readonly label: string }; value: SecretKeyInfo | null };
  generateAesKey: { args: Session & { readonly label: string }; value: SecretKeyInfo };
  aesGcmEncrypt: {
    args: Session & {
      readonly label: string;
      readonly iv: Uint8Array;
      readonly aad: Uint8Array;
      readonly plaintext: Uint8Array;
    };
    value: Uint8Array;
  };
  aesGcmDecrypt: {
    args: Session & {
      readonly label: string;
      readonly iv: Uint8Array;
      readonly aad: Uint8Array;
      readonly ciphertext: Uint8Array;
    };
    value: Uint8Array;
  };
  /** Test only: honoured when the host was opened with `faultInjection: true`. */
  injectFault: { args: { readonly rule: FaultRule }; value: null };
  /** Closes all sessions and calls C_Finalize. The library stays loaded (see pkcs11-worker.ts). */
  finalize: { args: Empty; value: null };
}

export type Pkcs11Op = keyof Pkcs11Ops;

export type WorkerRequest = {
  [K in Pkcs11Op]: { readonly id: number; readonly op: K; readonly args: Pkcs11Ops[K]['args'] };
}[Pkcs11Op];

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: Pkcs11Error }
  /** The worker hit a bug (not a PKCS#11 return code): the host rethrows it. */
  | { readonly id: number; readonly ok: false; readonly bug: string };

export interface WorkerStartData {
  readonly modulePath: string;
}
