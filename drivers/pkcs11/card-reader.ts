/**
 * The card reader as the kiosk sees it (DESIGN §1: one interface per device kind, a real implementation
 * over PKCS#11 and an emulated one). Cards are named by token label; a CardSession is one use of one
 * inserted card: read its certificate, check the PIN on the card, sign a challenge.
 */
import type { DeviceDiagnostics } from '../diagnostics';
import type { Result } from '../../protocol/result';
import type { Pkcs11Error } from './pkcs11-errors';
import type { PinFlags } from './pkcs11-types';

export interface CardInfo {
  readonly label: string;
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly model: string;
  /** The card's own PIN state (low count, final try, locked), shown before a PIN prompt (DESIGN §8). */
  readonly pin: PinFlags;
}

export type CardEvent =
  | { readonly type: 'card-inserted'; readonly card: CardInfo }
  | { readonly type: 'card-removed'; readonly label: string };

export interface CardCertificate {
  /** DER of the authentication certificate (PIV PKI-AUTH). */
  readonly der: Uint8Array;
  /** CKA_ID shared by the certificate and its private key. */
  readonly keyId: string;
}

export interface CardSession {
  readonly label: string;
  /** Fresh token flags (they change after a wrong PIN). */
  pinStatus(): Promise<Result<PinFlags, Pkcs11Error>>;
  /** The authentication certificate (readable without PIN). */
  readCertificate(): Promise<Result<CardCertificate, Pkcs11Error>>;
  /** C_Login as the user: the card's own verdict (CKR_PIN_INCORRECT, CKR_PIN_LOCKED ...). */
  login(pin: string): Promise<Result<void, Pkcs11Error>>;
  /**
   * Signs SHA-256(message) with the certificate's key: ECDSA P-256 as IEEE P1363 r‖s, or RSA PKCS#1
   * v1.5 (what protocol/certificates verifyCardSignature checks). Needs login.
   */
  sign(message: Uint8Array): Promise<Result<Uint8Array, Pkcs11Error>>;
  /** Logs out and closes; safe after the card is gone and safe twice. */
  close(): Promise<void>;
}

export interface CardReader {
  /** false for the emulated reader (demo and tests). */
  readonly real: boolean;
  /** The cards present now (initialised tokens only). */
  cards(): Promise<Result<CardInfo[], Pkcs11Error>>;
  /** Compares the cards present with the last poll and reports what was inserted or removed. */
  poll(): Promise<Result<CardEvent[], Pkcs11Error>>;
  /**
   * Polls every `intervalMs` and calls `listener` for each event (and `onError` when a poll fails);
   * returns a function that stops it. The timer does not keep the process alive.
   */
  watch(listener: (event: CardEvent) => void, options?: WatchOptions): () => void;
  /** Opens a session on the card labelled `label`. */
  open(label: string): Promise<Result<CardSession, Pkcs11Error>>;
  diagnostics(): Promise<DeviceDiagnostics>;
  /** Closes every session this reader opened and stops watching. */
  close(): Promise<void>;
}

export interface WatchOptions {
  readonly intervalMs?: number;
  readonly onError?: (error: Pkcs11Error) => void;
}

/** Keeps the set of labels seen by the last poll and turns a new listing into events. */
export class CardPresence {
  private known = new Map<string, CardInfo>();

  update(present: readonly CardInfo[]): CardEvent[] {
    const next = new Map(present.map((c) => [c.label, c]));
    const events: CardEvent[] = [];
    for (const label of this.known.keys()) {
      if (!next.has(label)) events.push({ type: 'card-removed', label });
    }
    for (const [label, card] of next) {
      if (!this.known.has(label)) events.push({ type: 'card-inserted', card });
    }
    this.known = next;
    return events;
  }
}

/** Runs `poll` on an unref'd timer until stopped; one poll at a time. */
function watchByPolling(
  poll: () => Promise<Result<CardEvent[], Pkcs11Error>>,
  listener: (event: CardEvent) => void,
  options: WatchOptions = {},
): () => void {
  const interval = options.intervalMs ?? 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped) return;
    const r = await poll();
    if (stopped) return;
    if (r.ok) r.value.forEach(listener);
    else options.onError?.(r.error);
    timer = setTimeout(() => void tick(), interval);
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/** The polling watches of one reader, so that closing the reader stops every one of them. */
export class PollingWatches {
  private readonly stops = new Set<() => void>();

  constructor(private readonly poll: () => Promise<Result<CardEvent[], Pkcs11Error>>) {}

  add(listener: (event: CardEvent) => void, options?: WatchOptions): () => void {
    const stop = watchByPolling(this.poll, listener, options);
    this.stops.add(stop);
    return () => {
      this.stops.delete(stop);
      stop();
    };
  }

  stopAll(): void {
    for (const stop of this.stops) stop();
    this.stops.clear();
  }
}
