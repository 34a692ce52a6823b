/**
 * The real card reader: any PKCS#11 module (OpenSC's for PC/SC readers through pcscd; SoftHSM2 in
 * tests), through the PKCS#11 worker. Insertion and removal are noticed by polling the slot list, with
 * C_WaitForSlotEvent(CKF_DONT_BLOCK) asked first as a hint where the module supports it.
 */
import type { DeviceDiagnostics, SelfTestResult } from '../diagnostics';
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
import { DeviceCalls } from './device-calls';
import { CKR } from './pkcs11-constants';
import { pkcs11ErrorFromCkr, type Pkcs11Error } from './pkcs11-errors';
import type { Pkcs11Host } from './pkcs11-host';
import type { PinFlags, TokenCertificate, TokenSummary } from './pkcs11-types';

export interface Pkcs11CardReaderOptions {
  /** Diagnostics id, e.g. "card-reader". */
  readonly id?: string;
  /** Token labels that are not cards (the kiosk's own HSM token when it shares the module). */
  readonly ignoreLabels?: readonly string[];
}

/** PIV names its authentication certificate "Certificate for PIV Authentication" (OpenSC). */
const AUTH_LABEL = /auth/i;

function chooseCertificate(certs: readonly TokenCertificate[]): TokenCertificate | undefined {
  return certs.find((c) => AUTH_LABEL.test(c.label)) ?? certs[0];
}

class Pkcs11CardSession implements CardSession {
  private keyId: string | null = null;
  private closed = false;

  constructor(
    private readonly calls: DeviceCalls,
    readonly label: string,
    private readonly session: number,
    private readonly onClose: (s: Pkcs11CardSession) => void,
  ) {}

  async pinStatus(): Promise<Result<PinFlags, Pkcs11Error>> {
    const tokens = await this.calls.call('tokens', {});
    if (!tokens.ok) return tokens;
    const token = tokens.value.find((t) => t.label === this.label);
    return token ? ok(token.pin) : err(pkcs11ErrorFromCkr(CKR.TOKEN_NOT_PRESENT, 'C_GetTokenInfo'));
  }

  async readCertificate(): Promise<Result<CardCertificate, Pkcs11Error>> {
    const certs = await this.calls.call('certificates', { session: this.session });
    if (!certs.ok) return certs;
    const chosen = chooseCertificate(certs.value);
    if (!chosen) {
      return err({
        kind: 'object-not-found',
        what: 'X.509 certificate',
        message: 'This card holds no certificate, so it cannot be used here. Use another card.',
      });
    }
    this.keyId = chosen.id;
    return ok({ der: chosen.der, keyId: chosen.id });
  }

  async login(pin: string): Promise<Result<void, Pkcs11Error>> {
    const r = await this.calls.call('login', { session: this.session, pin });
    return r.ok ? ok(undefined) : r;
  }

  async sign(message: Uint8Array): Promise<Result<Uint8Array, Pkcs11Error>> {
    if (this.keyId === null) throw new Error('CardSession.sign before readCertificate');
    const r = await this.calls.call('sign', { session: this.session, keyId: this.keyId, message });
    return r.ok ? ok(r.value.signature) : r;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    // Errors here mean the card or session is already gone; the worker forgets the session either way.
    await this.calls.call('closeSession', { session: this.session });
  }
}

export class Pkcs11CardReader implements CardReader {
  readonly real = true;
  private readonly calls: DeviceCalls;
  private readonly presence = new CardPresence();
  private readonly sessions = new Set<Pkcs11CardSession>();
  private readonly watches = new PollingWatches(() => this.poll());
  private slotEventsSupported: boolean | null = null;
  private readonly id: string;
  private readonly ignore: ReadonlySet<string>;

  constructor(host: Pkcs11Host, options: Pkcs11CardReaderOptions = {}) {
    this.calls = new DeviceCalls(host);
    this.id = options.id ?? 'card-reader';
    this.ignore = new Set(options.ignoreLabels ?? []);
  }

  private isCard(t: TokenSummary): boolean {
    return t.initialized && !this.ignore.has(t.label);
  }

  async cards(): Promise<Result<CardInfo[], Pkcs11Error>> {
    const tokens = await this.calls.call('tokens', {});
    if (!tokens.ok) return tokens;
    return ok(
      tokens.value
        .filter((t) => this.isCard(t))
        .map((t) => ({
          label: t.label,
          serialNumber: t.serialNumber,
          manufacturer: t.manufacturer,
          model: t.model,
          pin: t.pin,
        })),
    );
  }

  async poll(): Promise<Result<CardEvent[], Pkcs11Error>> {
    if (this.slotEventsSupported !== false) {
      // A hint only: the slot list below is the truth, whatever the module says here.
      const hint = await this.calls.call('slotEvent', {});
      if (hint.ok) this.slotEventsSupported = hint.value.supported;
    }
    const cards = await this.cards();
    return cards.ok ? ok(this.presence.update(cards.value)) : cards;
  }

  watch(listener: (event: CardEvent) => void, options?: WatchOptions): () => void {
    return this.watches.add(listener, options);
  }

  async open(label: string): Promise<Result<CardSession, Pkcs11Error>> {
    const opened = await this.calls.call('openSession', { label, readWrite: false });
    if (!opened.ok) return opened;
    const session = new Pkcs11CardSession(this.calls, label, opened.value.session, (s) =>
      this.sessions.delete(s),
    );
    this.sessions.add(session);
    return ok(session);
  }

  async close(): Promise<void> {
    this.watches.stopAll();
    await Promise.all([...this.sessions].map((s) => s.close()));
  }

  async diagnostics(): Promise<DeviceDiagnostics> {
    const host = this.calls.host;
    const selfTest: SelfTestResult[] = [];
    const advice: string[] = [];
    const t0 = performance.now();
    const info = await host.info();
    selfTest.push({
      name: 'module',
      passed: info.ok,
      detail: info.ok
        ? `${info.value.libraryDescription} ${info.value.libraryVersion} (Cryptoki ${info.value.cryptokiVersion}) loaded`
        : info.error.message,
      durationMs: performance.now() - t0,
    });
    const t1 = performance.now();
    const tokens = info.ok ? await this.calls.call('tokens', {}) : info;
    const readers = tokens.ok ? [...new Set(tokens.value.map((t) => t.slotDescription))] : [];
    const cards = tokens.ok ? tokens.value.filter((t) => this.isCard(t)) : [];
    selfTest.push({
      name: 'slot-list',
      passed: tokens.ok,
      // Card labels can carry a holder's name: diagnostics give counts and reader names only.
      detail: tokens.ok
        ? `${cards.length} card(s) present` + (readers.length ? ` in ${readers.join(', ')}` : '')
        : tokens.error.message,
      durationMs: performance.now() - t1,
    });
    if (tokens.ok) {
      selfTest.push({
        name: 'slot-events',
        passed: true,
        detail:
          this.slotEventsSupported === false
            ? 'C_WaitForSlotEvent is not supported: insertion and removal are found by polling the slot list'
            : 'C_WaitForSlotEvent (CKF_DONT_BLOCK) is asked as a hint; the slot list is polled as the truth',
        durationMs: 0,
      });
    }
    if (!info.ok && info.error.kind === 'module-not-loadable') {
      advice.push('Install OpenSC and the PC/SC daemon (apt install opensc pcscd), then start pcscd.');
    } else if (tokens.ok && cards.length === 0) {
      advice.push(
        'No card is inserted; insert a card to test it. If one is inserted, check that pcscd is running.',
      );
    }
    for (const token of cards) {
      if (token.pin.locked)
        advice.push('A card in the reader has a locked PIN: it must go back to its issuing office.');
    }
    return {
      kind: 'card-reader',
      id: this.id,
      real: true,
      present: info.ok && tokens.ok,
      identity: info.ok
        ? {
            description: `PKCS#11 card reader through ${info.value.libraryDescription} (${info.value.manufacturer})`,
            manufacturer: info.value.manufacturer,
            libraryVersion: `${info.value.libraryVersion} (Cryptoki ${info.value.cryptokiVersion})`,
            path: host.modulePath,
            ...(readers.length > 0 ? { model: readers.join(', ') } : {}),
          }
        : null,
      selfTest,
      latency: this.calls.latency.stats(),
      errorCounts: this.calls.errors.snapshot(),
      advice,
      checkedAt: new Date().toISOString(),
    };
  }
}
