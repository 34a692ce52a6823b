/**
 * An emulated card reader for the demo and for tests of the kiosk backend (DESIGN §1). It "inserts"
 * card files (test-ca.ts CardFile: certificate, PKCS#8 key, PIN), signs with node:crypto, counts PIN
 * retries like a PIV card (3 tries; CKF_USER_PIN_COUNT_LOW after a wrong one, CKF_USER_PIN_FINAL_TRY
 * before the last, CKR_PIN_LOCKED after it) and answers a pulled card as a real reader does
 * (CKR_DEVICE_REMOVED, then CKR_SESSION_HANDLE_INVALID). Errors are the same typed Pkcs11Error values.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import type { DeviceDiagnostics } from '../diagnostics';
import { ErrorCounter, LatencyRecorder } from '../diagnostics';
import { fromBase64 } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';
import {
  CardPresence,
  PollingWatches,
  type CardCertificate,
  type CardEvent,
  type CardInfo,
  type CardReader,
  type CardSession,
  type WatchOptions,
} from './card-reader';
import { CKR } from './pkcs11-constants';
import { errorCountKey, pkcs11ErrorFromCkr, tokenNotFound, type Pkcs11Error } from './pkcs11-errors';
import type { PinFlags } from './pkcs11-types';
import type { CardFile } from './test-ca';

export const EMULATED_PIN_TRIES = 3;

interface EmulatedCard {
  readonly file: CardFile;
  readonly key: KeyObject;
  readonly serialNumber: string;
  triesLeft: number;
}

function flags(card: EmulatedCard): PinFlags {
  return {
    countLow: card.triesLeft < EMULATED_PIN_TRIES,
    finalTry: card.triesLeft === 1,
    locked: card.triesLeft === 0,
    toBeChanged: false,
    protectedPath: false,
  };
}

class EmulatedCardSession implements CardSession {
  private state: 'open' | 'removed-unreported' | 'removed' | 'closed' = 'open';
  private loggedIn = false;

  constructor(
    private readonly reader: EmulatedCardReader,
    private readonly card: EmulatedCard,
  ) {}

  get label(): string {
    return this.card.file.label;
  }

  /** Called by the reader when the card is pulled out. */
  cardRemoved(): void {
    if (this.state === 'open') this.state = 'removed-unreported';
    this.loggedIn = false;
  }

  private gone(call: string): Pkcs11Error | null {
    if (this.state === 'removed-unreported') {
      this.state = 'removed';
      return pkcs11ErrorFromCkr(CKR.DEVICE_REMOVED, call);
    }
    if (this.state !== 'open') return pkcs11ErrorFromCkr(CKR.SESSION_HANDLE_INVALID, call);
    return null;
  }

  /** Answers one card call as a real session would: removal first, then an injected fault, then `fn`. */
  private answer<T>(call: string, fn: () => Result<T, Pkcs11Error>): Promise<Result<T, Pkcs11Error>> {
    const error = this.gone(call) ?? this.reader.takeFault(this.card.file.label, call);
    const result = error ? err(error) : fn();
    if (!result.ok) this.reader.count(result.error);
    return Promise.resolve(result);
  }

  pinStatus(): Promise<Result<PinFlags, Pkcs11Error>> {
    return this.answer('C_GetTokenInfo', () => ok(flags(this.card)));
  }

  readCertificate(): Promise<Result<CardCertificate, Pkcs11Error>> {
    return this.answer('C_FindObjects', () =>
      ok({ der: fromBase64(this.card.file.certificate), keyId: '01' }),
    );
  }

  login(pin: string): Promise<Result<void, Pkcs11Error>> {
    return this.answer('C_Login', () => {
      if (this.card.triesLeft === 0) return err(pkcs11ErrorFromCkr(CKR.PIN_LOCKED, 'C_Login'));
      if (pin !== this.card.file.pin) {
        // As PIV cards do: the last wrong try still says "incorrect" and sets CKF_USER_PIN_LOCKED.
        this.card.triesLeft -= 1;
        return err(pkcs11ErrorFromCkr(CKR.PIN_INCORRECT, 'C_Login'));
      }
      this.card.triesLeft = EMULATED_PIN_TRIES;
      this.loggedIn = true;
      return ok(undefined);
    });
  }

  sign(message: Uint8Array): Promise<Result<Uint8Array, Pkcs11Error>> {
    return this.answer('C_Sign', () => {
      if (!this.loggedIn) return err(pkcs11ErrorFromCkr(CKR.USER_NOT_LOGGED_IN, 'C_Sign'));
      const started = performance.now();
      const signature =
        this.card.file.keyAlgorithm === 'ecdsa-p256'
          ? nodeSign('sha256', message, { key: this.card.key, dsaEncoding: 'ieee-p1363' })
          : nodeSign('sha256', message, this.card.key);
      this.reader.latency.record(performance.now() - started);
      return ok(new Uint8Array(signature));
    });
  }

  close(): Promise<void> {
    this.state = 'closed';
    this.loggedIn = false;
    this.reader.forget(this);
    return Promise.resolve();
  }
}

export class EmulatedCardReader implements CardReader {
  readonly real = false;
  private readonly inserted = new Map<string, EmulatedCard>();
  private readonly sessions = new Set<EmulatedCardSession>();
  private readonly presence = new CardPresence();
  private readonly watches = new PollingWatches(() => this.poll());
  readonly latency = new LatencyRecorder();
  private readonly errors = new ErrorCounter();
  private readonly faults: Array<{ label: string; call: string; ckr: number }> = [];
  private serial = 0;

  constructor(private readonly id = 'card-reader-emulated') {}

  /** Puts a card in the reader (its PIN tries start full, as a card fresh from the office). */
  insert(file: CardFile): void {
    if (this.inserted.has(file.label)) throw new Error(`a card labelled "${file.label}" is already inserted`);
    const key = createPrivateKey({
      key: Buffer.from(fromBase64(file.privateKey)),
      format: 'der',
      type: 'pkcs8',
    });
    this.inserted.set(file.label, {
      file,
      key,
      serialNumber: `EMU${String(++this.serial).padStart(13, '0')}`,
      triesLeft: EMULATED_PIN_TRIES,
    });
  }

  /** Pulls the card out: its open sessions fail from now on. */
  remove(label: string): void {
    const card = this.inserted.get(label);
    if (!card) return;
    this.inserted.delete(label);
    for (const s of this.sessions) if (s.label === label) s.cardRemoved();
  }

  /**
   * The next `call` ("C_Login", "C_Sign", "C_GetTokenInfo", "C_FindObjects") on the card `label`
   * answers `ckr` (e.g. CKR_DEVICE_ERROR), as injected faults do for the real reader.
   */
  failNext(label: string, call: string, ckr: number): void {
    this.faults.push({ label, call, ckr });
  }

  /** @internal */
  takeFault(label: string, call: string): Pkcs11Error | null {
    const i = this.faults.findIndex((f) => f.label === label && f.call === call);
    if (i < 0) return null;
    const [fault] = this.faults.splice(i, 1);
    return pkcs11ErrorFromCkr(fault!.ckr, call);
  }

  /** @internal */
  count(error: Pkcs11Error): void {
    this.errors.add(errorCountKey(error));
  }

  /** @internal */
  forget(session: EmulatedCardSession): void {
    this.sessions.delete(session);
  }

  cards(): Promise<Result<CardInfo[], Pkcs11Error>> {
    return Promise.resolve(
      ok(
        [...this.inserted.values()].map((c) => ({
          label: c.file.label,
          serialNumber: c.serialNumber,
          manufacturer: 'OGAS emulated card',
          model: c.file.keyAlgorithm,
          pin: flags(c),
        })),
      ),
    );
  }

  async poll(): Promise<Result<CardEvent[], Pkcs11Error>> {
    const cards = await this.cards();
    return cards.ok ? ok(this.presence.update(cards.value)) : cards;
  }

  watch(listener: (event: CardEvent) => void, options?: WatchOptions): () => void {
    return this.watches.add(listener, options);
  }

  open(label: string): Promise<Result<CardSession, Pkcs11Error>> {
    const card = this.inserted.get(label);
    if (!card) {
      const error = tokenNotFound(label);
      this.count(error);
      return Promise.resolve(err(error));
    }
    const session = new EmulatedCardSession(this, card);
    this.sessions.add(session);
    return Promise.resolve(ok(session));
  }

  openSessionCount(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    this.watches.stopAll();
    await Promise.all([...this.sessions].map((s) => s.close()));
  }

  diagnostics(): Promise<DeviceDiagnostics> {
    return Promise.resolve({
      kind: 'card-reader',
      id: this.id,
      real: false,
      present: true,
      identity: {
        description: 'Emulated card reader (card files signed with node:crypto; demo and tests only)',
        manufacturer: 'OGAS',
        model: 'emulated',
      },
      selfTest: [
        {
          name: 'slot-list',
          passed: true,
          detail: `${this.inserted.size} emulated card(s) inserted`,
          durationMs: 0,
        },
      ],
      latency: this.latency.stats(),
      errorCounts: this.errors.snapshot(),
      advice: ['This reader is emulated: it is for the demo and tests, never for an election.'],
      checkedAt: new Date().toISOString(),
    });
  }
}
