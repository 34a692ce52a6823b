/**
 * The kiosk's own count of wrong PINs per card (DESIGN §8), on top of the card's verdict: a card whose
 * PIN counter a careless or hostile issuer set high still cannot be guessed at quickly here. After
 * `freeAttempts` failures each further one locks the card out of this kiosk for a growing time
 * (30 s, 60 s, 120 s … by default, as VxSuite's card lockout grows). Records are kept under an
 * HMAC-SHA-256 of the card certificate with a kiosk secret, so the store names no card, and are erased
 * after a good login. The kiosk backend keeps them in SQLite; memory and JSON-file stores are here.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export interface PinAttemptRecord {
  readonly failures: number;
  /** Epoch ms until which PIN entry is refused, or null. */
  readonly lockedUntil: number | null;
  readonly lastFailureAt: number;
}

/** Where records live. Keys are hex HMACs (pinAttemptKey), never card data. */
export interface PinAttemptStore {
  get(key: string): Promise<PinAttemptRecord | null>;
  put(key: string, record: PinAttemptRecord): Promise<void>;
  erase(key: string): Promise<void>;
}

export interface LockoutPolicy {
  /** Wrong PINs allowed before the first lock-out. */
  readonly freeAttempts: number;
  readonly firstLockoutMs: number;
  readonly maxLockoutMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  freeAttempts: 3,
  firstLockoutMs: 30_000,
  maxLockoutMs: 60 * 60_000,
};

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The lock-out after the `failures`-th wrong PIN: 0 until `freeAttempts`, then doubling, capped. */
export function lockoutMs(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): number {
  if (failures < policy.freeAttempts) return 0;
  const doublings = failures - policy.freeAttempts;
  // 2^31 ms is past any sensible cap; stop doubling before the number loses meaning.
  return Math.min(policy.maxLockoutMs, policy.firstLockoutMs * 2 ** Math.min(doublings, 31));
}

/** Hex HMAC-SHA-256(kiosk secret, certificate DER): the store key for one card. */
export function pinAttemptKey(kioskSecret: Uint8Array, certificateDer: Uint8Array): string {
  if (kioskSecret.length < 32) throw new RangeError('the PIN-attempt secret must be at least 32 bytes');
  return createHmac('sha256', kioskSecret).update(certificateDer).digest('hex');
}

/** A fresh kiosk secret for pinAttemptKey (kept by the backend with its other secrets). */
export function newPinAttemptSecret(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export interface PinAttemptStatus {
  readonly failures: number;
  /** Epoch ms until which PIN entry is refused; null when a PIN may be tried now. */
  readonly lockedUntil: number | null;
}

export class PinAttemptTracker {
  constructor(
    private readonly store: PinAttemptStore,
    private readonly clock: Clock = systemClock,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
  ) {}

  async status(key: string): Promise<PinAttemptStatus> {
    const record = await this.store.get(key);
    if (!record) return { failures: 0, lockedUntil: null };
    const now = this.clock.now();
    return {
      failures: record.failures,
      lockedUntil: record.lockedUntil !== null && record.lockedUntil > now ? record.lockedUntil : null,
    };
  }

  async recordFailure(key: string): Promise<PinAttemptStatus> {
    const now = this.clock.now();
    const failures = ((await this.store.get(key))?.failures ?? 0) + 1;
    const wait = lockoutMs(failures, this.policy);
    const lockedUntil = wait > 0 ? now + wait : null;
    await this.store.put(key, { failures, lockedUntil, lastFailureAt: now });
    return { failures, lockedUntil };
  }

  /** A good login erases the card's record (DESIGN §8). */
  async recordSuccess(key: string): Promise<void> {
    await this.store.erase(key);
  }
}

export class MemoryPinAttemptStore implements PinAttemptStore {
  private readonly records = new Map<string, PinAttemptRecord>();
  get(key: string): Promise<PinAttemptRecord | null> {
    return Promise.resolve(this.records.get(key) ?? null);
  }
  put(key: string, record: PinAttemptRecord): Promise<void> {
    this.records.set(key, record);
    return Promise.resolve();
  }
  erase(key: string): Promise<void> {
    this.records.delete(key);
    return Promise.resolve();
  }
  size(): number {
    return this.records.size;
  }
}

const recordSchema = z.strictObject({
  failures: z.int().min(1),
  lockedUntil: z.int().min(0).nullable(),
  lastFailureAt: z.int().min(0),
});
const fileSchema = z.strictObject({
  v: z.literal(1),
  cards: z.record(z.string().regex(/^[0-9a-f]{64}$/, 'keys are 64 lowercase hex digits'), recordSchema),
});

/**
 * Records in one JSON file (`{v: 1, cards: {hmac: record}}`), rewritten whole through a temp file and a
 * rename, so a crash leaves the old file or the new one. For tests and small set-ups.
 */
export class JsonFilePinAttemptStore implements PinAttemptStore {
  constructor(private readonly path: string) {}

  private read(): Record<string, PinAttemptRecord> {
    if (!existsSync(this.path)) return {};
    const text = readFileSync(this.path, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(
        `PIN-attempt file ${this.path} is not JSON (${(e as Error).message}); restore or remove it`,
        { cause: e },
      );
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `PIN-attempt file ${this.path} is not valid at ${issue?.path.join('.') || '(top)'}: ${issue?.message}; restore or remove it`,
      );
    }
    return parsed.data.cards;
  }

  private write(cards: Record<string, PinAttemptRecord>): void {
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ v: 1, cards }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  // Synchronous file I/O behind the async interface (the file is small and a PIN check is rare);
  // a damaged file rejects the promise like any other store failure.
  private run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  get(key: string): Promise<PinAttemptRecord | null> {
    return this.run(() => this.read()[key] ?? null);
  }

  put(key: string, record: PinAttemptRecord): Promise<void> {
    return this.run(() => {
      const cards = this.read();
      cards[key] = record;
      this.write(cards);
    });
  }

  erase(key: string): Promise<void> {
    return this.run(() => {
      const cards = this.read();
      if (key in cards) {
        delete cards[key];
        this.write(cards);
      }
    });
  }
}
