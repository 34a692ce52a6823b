import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCKOUT_POLICY,
  JsonFilePinAttemptStore,
  MemoryPinAttemptStore,
  PinAttemptTracker,
  lockoutMs,
  newPinAttemptSecret,
  pinAttemptKey,
  type Clock,
  type PinAttemptStore,
} from './pin-attempts';

class FakeClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
}

describe('lockoutMs', () => {
  it('allows three free tries, then 30 s, 60 s, 120 s … capped at an hour', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => lockoutMs(n))).toEqual([0, 0, 30_000, 60_000, 120_000, 240_000]);
    expect(lockoutMs(50)).toBe(DEFAULT_LOCKOUT_POLICY.maxLockoutMs);
    expect(lockoutMs(1e9)).toBe(DEFAULT_LOCKOUT_POLICY.maxLockoutMs);
  });

  it('never shrinks as failures grow', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000 }), (n) => lockoutMs(n + 1) >= lockoutMs(n)));
  });
});

describe('pinAttemptKey', () => {
  it('is a keyed hash: the same card gives one key per kiosk secret, another secret another key', () => {
    const cert = new Uint8Array([48, 130, 1, 2, 3]);
    const a = newPinAttemptSecret();
    const b = newPinAttemptSecret();
    expect(pinAttemptKey(a, cert)).toMatch(/^[0-9a-f]{64}$/);
    expect(pinAttemptKey(a, cert)).toBe(pinAttemptKey(a, cert.slice()));
    expect(pinAttemptKey(a, cert)).not.toBe(pinAttemptKey(b, cert));
    expect(() => pinAttemptKey(new Uint8Array(16), cert)).toThrow(/at least 32 bytes/);
  });
});

function trackerSuite(name: string, makeStore: () => PinAttemptStore) {
  describe(`PinAttemptTracker with ${name}`, () => {
    const key = 'ab'.repeat(32);

    it('counts failures, locks out with growing waits, and erases the record after a good login', async () => {
      const clock = new FakeClock();
      const store = makeStore();
      const tracker = new PinAttemptTracker(store, clock);
      expect(await tracker.status(key)).toEqual({ failures: 0, lockedUntil: null });
      expect(await tracker.recordFailure(key)).toEqual({ failures: 1, lockedUntil: null });
      expect(await tracker.recordFailure(key)).toEqual({ failures: 2, lockedUntil: null });
      const third = await tracker.recordFailure(key);
      expect(third).toEqual({ failures: 3, lockedUntil: clock.t + 30_000 });
      clock.t += 29_999;
      expect((await tracker.status(key)).lockedUntil).toBe(third.lockedUntil);
      clock.t += 1;
      expect(await tracker.status(key)).toEqual({ failures: 3, lockedUntil: null });
      expect(await tracker.recordFailure(key)).toEqual({ failures: 4, lockedUntil: clock.t + 60_000 });
      await tracker.recordSuccess(key);
      expect(await store.get(key)).toBeNull();
      expect(await tracker.status(key)).toEqual({ failures: 0, lockedUntil: null });
    });

    it('keeps cards apart', async () => {
      const tracker = new PinAttemptTracker(makeStore(), new FakeClock());
      await tracker.recordFailure(key);
      expect((await tracker.status('cd'.repeat(32))).failures).toBe(0);
    });
  });
}

trackerSuite('the memory store', () => new MemoryPinAttemptStore());

describe('JsonFilePinAttemptStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ogas-pin-attempts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  trackerSuite('a JSON file', () => new JsonFilePinAttemptStore(join(dir, `attempts-${Math.random()}.json`)));

  it('keeps counts across restarts (a new store on the same file) and names no card', async () => {
    const path = join(dir, 'attempts.json');
    const clock = new FakeClock();
    const key = pinAttemptKey(newPinAttemptSecret(), new Uint8Array([1, 2, 3]));
    await new PinAttemptTracker(new JsonFilePinAttemptStore(path), clock).recordFailure(key);
    await new PinAttemptTracker(new JsonFilePinAttemptStore(path), clock).recordFailure(key);
    const third = await new PinAttemptTracker(new JsonFilePinAttemptStore(path), clock).recordFailure(key);
    expect(third.failures).toBe(3);
    expect(third.lockedUntil).toBe(clock.t + 30_000);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      v: 1,
      cards: { [key]: { failures: 3, lockedUntil: clock.t + 30_000, lastFailureAt: clock.t } },
    });
  });

  it('refuses a damaged file with its path and the field at fault', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"v":1,"cards":{"zz":{"failures":1,"lockedUntil":null,"lastFailureAt":0}}}');
    await expect(new JsonFilePinAttemptStore(path).get('ab'.repeat(32))).rejects.toThrow(
      /bad\.json is not valid at cards\.zz/,
    );
    writeFileSync(path, 'not json');
    await expect(new JsonFilePinAttemptStore(path).get('ab'.repeat(32))).rejects.toThrow(/is not JSON/);
  });
});
