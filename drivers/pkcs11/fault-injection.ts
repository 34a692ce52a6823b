/**
 * Conditions SoftHSM2 cannot produce, injected at the pkcs11js boundary (DESIGN §1, §8): a card pulled
 * out (its slot leaves the slot list, its sessions die with CKR_DEVICE_REMOVED then
 * CKR_SESSION_HANDLE_INVALID), a call that returns a chosen CKR_* (CKR_PIN_LOCKED, CKR_DEVICE_ERROR...).
 * The wrapper throws errors shaped exactly like pkcs11js's own (`name` "Pkcs11Error", `message`
 * "CKR_NAME", numeric `code`, `method`), so everything above it runs the code path a real reader takes.
 * It lives in the PKCS#11 worker and is switched on only for a host opened with `faultInjection: true`.
 */
import type { PKCS11 } from 'pkcs11js';
import { toHex } from '../../protocol/bytes';
import { CKR, ckrName } from './pkcs11-constants';

export type FaultRule =
  /** The next `times` calls of `method` (on the token `label`, when given) return `ckr`. */
  | {
      readonly kind: 'fail-call';
      readonly method: string;
      readonly ckr: number;
      readonly times: number;
      readonly label?: string;
    }
  /** The card labelled `label` is pulled out now. */
  | { readonly kind: 'remove-token'; readonly label: string }
  /** The card is pulled out at the moment `method` is next called on it (that call fails). */
  | { readonly kind: 'remove-token-on-call'; readonly label: string; readonly method: string }
  /** The card is put back: it is listed again and new sessions can be opened. */
  | { readonly kind: 'insert-token'; readonly label: string }
  | { readonly kind: 'clear' };

/** The error object pkcs11js 2.x throws (index.js `Pkcs11Error`). */
export function pkcs11jsStyleError(ckr: number, method: string): Error {
  const e = new Error(ckrName(ckr)) as Error & { code: number; method: string; nativeStack: string };
  e.name = 'Pkcs11Error';
  e.code = ckr;
  e.method = method;
  e.nativeStack = '';
  return e;
}

/** Functions whose first argument is a session handle. */
const SESSION_FIRST =
  /^C_(?!Initialize|Finalize|GetInfo|GetSlot|GetToken|GetMechanism|InitToken|OpenSession|CloseAllSessions|WaitForSlotEvent)/;
/** Functions whose first argument is a slot id. */
const SLOT_FIRST = new Set([
  'C_GetSlotInfo',
  'C_GetTokenInfo',
  'C_GetMechanismList',
  'C_GetMechanismInfo',
  'C_InitToken',
  'C_OpenSession',
  'C_CloseAllSessions',
]);

/**
 * Wraps a loaded pkcs11js object. `inject` adds a rule; calls go to the real module unless a rule says
 * otherwise.
 */
export class FaultInjector {
  private readonly failures: Array<{ rule: Extract<FaultRule, { kind: 'fail-call' }>; left: number }> = [];
  private readonly removeOnCall: Array<Extract<FaultRule, { kind: 'remove-token-on-call' }>> = [];
  private readonly removed = new Set<string>();
  /** session handle hex → token label; slot id hex → token label (learned as calls pass). */
  private readonly sessionLabels = new Map<string, string>();
  private readonly slotLabels = new Map<string, string>();
  /** Sessions of a pulled card: the first call reports the removal, later ones an invalid handle. */
  private readonly deadSessions = new Map<string, 'fresh' | 'reported'>();
  readonly api: PKCS11;

  constructor(private readonly real: PKCS11) {
    this.api = new Proxy(real, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof prop !== 'string' || !prop.startsWith('C_') || typeof value !== 'function') return value;
        return (...args: unknown[]) => this.invoke(prop, value as (...a: unknown[]) => unknown, args);
      },
    });
  }

  inject(rule: FaultRule): void {
    switch (rule.kind) {
      case 'fail-call':
        this.failures.push({ rule, left: rule.times });
        return;
      case 'remove-token':
        this.removeToken(rule.label);
        return;
      case 'remove-token-on-call':
        this.removeOnCall.push(rule);
        return;
      case 'insert-token':
        this.removed.delete(rule.label);
        return;
      case 'clear':
        this.failures.length = 0;
        this.removeOnCall.length = 0;
        this.removed.clear();
        this.deadSessions.clear();
        return;
    }
  }

  private removeToken(label: string): void {
    if (this.removed.has(label)) return;
    this.removed.add(label);
    // A pulled card closes every session on it, and so logs the user out (PKCS#11 3.2 §5.6).
    for (const [session, l] of this.sessionLabels) {
      if (l === label) this.deadSessions.set(session, 'fresh');
    }
    for (const [slotHex, l] of this.slotLabels) {
      if (l === label) this.real.C_CloseAllSessions(Buffer.from(slotHex, 'hex'));
    }
  }

  private labelOf(method: string, args: readonly unknown[]): string | undefined {
    const first = args[0];
    if (!(first instanceof Uint8Array)) return undefined;
    const key = toHex(first);
    if (SLOT_FIRST.has(method)) return this.slotLabel(first, key);
    if (SESSION_FIRST.test(method)) return this.sessionLabels.get(key);
    return undefined;
  }

  private slotLabel(slot: Uint8Array, key: string): string | undefined {
    const known = this.slotLabels.get(key);
    if (known !== undefined) return known;
    try {
      const label = this.real.C_GetTokenInfo(Buffer.from(slot)).label.trimEnd();
      this.slotLabels.set(key, label);
      return label;
    } catch {
      return undefined; // no token in that slot: nothing to attribute the call to
    }
  }

  private invoke(method: string, fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    const label = this.labelOf(method, args);
    const first = args[0] instanceof Uint8Array ? toHex(args[0]) : undefined;

    const trigger = this.removeOnCall.findIndex((r) => r.method === method && r.label === label);
    if (trigger >= 0 && label !== undefined) {
      this.removeOnCall.splice(trigger, 1);
      this.removeToken(label);
    }

    if (first !== undefined && SESSION_FIRST.test(method)) {
      const dead = this.deadSessions.get(first);
      if (dead === 'fresh') {
        this.deadSessions.set(first, 'reported');
        throw pkcs11jsStyleError(CKR.DEVICE_REMOVED, method);
      }
      if (dead === 'reported') throw pkcs11jsStyleError(CKR.SESSION_HANDLE_INVALID, method);
    }
    if (label !== undefined && this.removed.has(label) && SLOT_FIRST.has(method)) {
      throw pkcs11jsStyleError(CKR.TOKEN_NOT_PRESENT, method);
    }

    const failure = this.failures.find(
      (f) => f.left > 0 && f.rule.method === method && (f.rule.label === undefined || f.rule.label === label),
    );
    if (failure) {
      failure.left -= 1;
      throw pkcs11jsStyleError(failure.rule.ckr, method);
    }

    const result = fn.apply(this.real, args);
    if (method === 'C_OpenSession' && result instanceof Uint8Array && label !== undefined) {
      this.sessionLabels.set(toHex(result), label);
    }
    if (method === 'C_GetSlotList' && Array.isArray(result)) {
      return (result as Buffer[]).filter((slot) => {
        const l = this.slotLabel(slot, toHex(slot));
        return l === undefined || !this.removed.has(l);
      });
    }
    return result;
  }
}
