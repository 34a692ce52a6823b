/**
 * The kiosk believes nothing the ledger says without proof (DESIGN §6): against a real ledger and
 * witness, answers verify; a bad log signature, a wrong inclusion proof, a wrong size, a bad witness
 * cosignature, a malformed body and a forked history (a second log under the same key) are alarms and
 * leave the remembered checkpoint as it was; an unreachable ledger is a value with a message for a
 * poll worker; the 409 of a voter checked in elsewhere carries a proof that is checked.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../protocol/bytes';
import { startLedger } from '../../ledger/server/start-ledger';
import { startTestNetwork, type TestNetwork } from '../queue/test-kiosk';
import { LedgerClient } from './ledger-client';
import { ledgerTrustOf } from './ledger-trust';
import { VerifiedLedger, type CheckpointMemory, type KnownCheckpoint } from './verified-ledger';

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork({ voters: 12, minBatch: 2 });
});
afterAll(() => net.close());

class MemoryCheckpoints implements CheckpointMemory {
  readonly kept = new Map<'seen' | 'witnessed', KnownCheckpoint>();
  get(kind: 'seen' | 'witnessed') {
    return this.kept.get(kind);
  }
  put(kind: 'seen' | 'witnessed', cp: KnownCheckpoint) {
    this.kept.set(kind, cp);
  }
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Tamper = (path: string, method: string, text: string) => string;

/** A fetch that passes requests to the real ledger and lets a test rewrite the answers. */
function tamperingFetch(tamper: { current: Tamper | undefined }): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const t = tamper.current;
    if (!t) return res;
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = t(url.pathname + url.search, init?.method ?? 'GET', await res.text());
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(text, { status: res.status, headers });
  };
}

/** Changes one base64 character in the middle of the signature line of `name` in a note. */
function spoilSignature(note: string, name: string): string {
  return note
    .split('\n')
    .map((line) => {
      if (!line.startsWith(`\u2014 ${name} `)) return line;
      const i = line.length - 40;
      return line.slice(0, i) + (line[i] === 'A' ? 'B' : 'A') + line.slice(i + 1);
    })
    .join('\n');
}

function trust() {
  const t = ledgerTrustOf(net.fixture.election.package);
  if (!t.ok) throw new Error(t.error);
  return t.value;
}

function verified(url: string, tamper = { current: undefined as Tamper | undefined }) {
  const memory = new MemoryCheckpoints();
  const client = new LedgerClient({ url, fetch: tamperingFetch(tamper), timeoutMs: 5_000 });
  return { ledger: new VerifiedLedger({ client, trust: trust(), memory }), memory, tamper };
}

/** Asks until the witness has cosigned a checkpoint of at least `minSize` (bounded). */
async function witnessed(ledger: VerifiedLedger, minSize: number) {
  const until = Date.now() + 20_000;
  for (;;) {
    const w = await ledger.witnessedCovering(minSize);
    if (!w.ok) throw new Error(w.error.message);
    if (w.value) return w.value;
    if (Date.now() > until) throw new Error('no witnessed checkpoint in 20 s');
    await new Promise((res) => setTimeout(res, 20));
  }
}

const onPost = (change: (answer: Record<string, unknown>) => void): Tamper => {
  return (path, method, text) => {
    if (method !== 'POST' || !path.startsWith('/v1/entries')) return text;
    const answer = JSON.parse(text) as Record<string, unknown>;
    change(answer);
    return JSON.stringify(answer);
  };
};

describe('verified ledger: answers that hold', () => {
  it('accepts a verified append, then a witnessed checkpoint covering it', async () => {
    const { ledger, memory } = verified(net.url);
    const k = net.fixture.kiosk('vl-good');
    const r = await ledger.append([k.enrolment()]);
    if (!r.ok) throw new Error(r.error.message);
    expect(memory.get('seen')?.size).toBe(r.value.size);
    const w = await witnessed(ledger, r.value.index + 1);
    expect(w.witnesses).toEqual(['witness-1']);
    expect(w.size).toBeGreaterThan(r.value.index);
    expect(memory.get('witnessed')?.size).toBe(w.size);
  });
});

describe('verified ledger: answers that do not hold are alarms', () => {
  const cases: [string, Tamper, RegExp][] = [
    [
      'a checkpoint whose log signature is spoiled',
      onPost((a) => {
        a.checkpoint = spoilSignature(a.checkpoint as string, net.fixture.logKey.origin);
      }),
      /not signed by the log key/,
    ],
    [
      'a wrong inclusion proof',
      onPost((a) => {
        const proofs = a.proofs as string[][];
        proofs[0]![0] = toBase64(new Uint8Array(32).fill(7));
      }),
      /entry 0 of the request is not proven at index/,
    ],
    [
      'a size that is not the checkpoint size',
      onPost((a) => {
        a.size = (a.size as number) + 1;
      }),
      /answer says size/,
    ],
    [
      'a body that is not JSON',
      (path, method, text) => (method === 'POST' ? text.slice(0, 20) : text),
      /not valid JSON/,
    ],
  ];
  for (const [name, tamper, message] of cases) {
    it(`refuses ${name}, remembering nothing`, async () => {
      const good = verified(net.url);
      const k = net.fixture.kiosk(`vl-bad-${name}`);
      const enrolled = await good.ledger.append([k.enrolment()]);
      expect(enrolled.ok).toBe(true);
      const bad = verified(net.url, { current: tamper });
      const before = bad.memory.get('seen');
      const r = await bad.ledger.append([k.polls('open')]);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.kind).toBe('alarm');
      expect(!r.ok && r.error.message).toMatch(message);
      expect(!r.ok && r.error.message).toMatch(/^ALARM: .*Nothing was marked as sent/);
      expect(bad.memory.get('seen')).toEqual(before);
    });
  }

  it('refuses a checkpoint from a forked history under the same log key', async () => {
    const a = verified(net.url);
    const k1 = net.fixture.kiosk('vl-fork-1');
    const k2 = net.fixture.kiosk('vl-fork-2');
    // A second log with the same key and package, which has seen other entries.
    const fork = await startLedger({
      ...net.fixture.ledgerInputs(),
      clock: () => net.clock.now,
      verifyThreads: 1,
    });
    try {
      const seenA = await a.ledger.append([k1.enrolment()]);
      expect(seenA.ok).toBe(true);
      const onFork = new VerifiedLedger({
        client: new LedgerClient({ url: fork.url }),
        trust: trust(),
        memory: a.memory,
      });
      await new LedgerClient({ url: fork.url }).postEntries([k2.enrolment()]);
      const r = await onFork.append([k1.enrolment()]);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.kind).toBe('alarm');
      expect(!r.ok && r.error.message).toMatch(
        /not consistent with the checkpoint of size|two histories|refuses to prove that its tree/,
      );
      expect(a.memory.get('seen')?.root).toEqual(seenA.ok && seenA.value.checkpoint.root);
    } finally {
      await fork.close();
    }
  });

  it('refuses a witness cosignature that does not verify, and waits for one that is missing', async () => {
    const tamper = { current: undefined as Tamper | undefined };
    const { ledger } = verified(net.url, tamper);
    const k = net.fixture.kiosk('vl-witness');
    const r = await ledger.append([k.enrolment()]);
    if (!r.ok) throw new Error(r.error.message);
    await witnessed(ledger, r.value.size);
    tamper.current = (path, _m, text) =>
      path.startsWith('/v1/checkpoint') ? spoilSignature(text, 'witness-1') : text;
    const spoiled = await ledger.witnessedCovering(r.value.index + 1);
    expect(!spoiled.ok && spoiled.error.kind).toBe('alarm');
    expect(!spoiled.ok && spoiled.error.message).toMatch(/from witness-1 does not verify/);
    // Cosignatures stripped: a checkpoint short of its quorum is "not yet", not an alarm.
    tamper.current = (path, _m, text) =>
      path.startsWith('/v1/checkpoint')
        ? text
            .split('\n')
            .filter((l) => !l.startsWith('\u2014 witness-1 '))
            .join('\n')
        : path.startsWith('/v1/checkpoints')
          ? JSON.stringify({ sizes: [] })
          : text;
    const short = await ledger.witnessedCovering(r.value.index + 1);
    expect(short).toEqual({ ok: true, value: undefined });
  });
});

describe('verified ledger: refusals and outages', () => {
  it('says plainly when the ledger cannot be reached', async () => {
    const closed = verified(`http://127.0.0.1:${await freePort()}`);
    const r = await closed.ledger.append([net.fixture.kiosk('vl-down').enrolment()]);
    expect(!r.ok && r.error.kind).toBe('unreachable');
    expect(!r.ok && r.error.message).toMatch(
      /^The state ledger cannot be reached \(connection refused.*check the network cable; ballots already cast are safe/,
    );
  });

  it('verifies the first check-in a 409 points to, and raises an alarm when its proof is wrong', async () => {
    const { ledger, tamper } = verified(net.url);
    const k1 = net.fixture.kiosk('vl-409-a');
    const k2 = net.fixture.kiosk('vl-409-b');
    expect((await ledger.append([k1.enrolment()])).ok).toBe(true);
    expect((await ledger.append([k2.enrolment()])).ok).toBe(true);
    const voter = net.fixture.voters[0]!;
    const first = await ledger.append([k1.checkin(voter)]);
    if (!first.ok) throw new Error(first.error.message);
    const second = await ledger.append([k2.checkin(voter)]);
    expect(second.ok).toBe(false);
    if (second.ok || second.error.kind !== 'refused') throw new Error('expected a refusal');
    expect(second.error.status).toBe(409);
    expect(second.error.rule).toBe('voter-checked-in');
    const proven = await ledger.verifyFirstCheckin(second.error.details);
    expect(proven.ok && proven.value.index).toBe(first.value.index);

    const wrong = {
      ...second.error.details,
      proof: (second.error.details.proof as string[]).map(() => toBase64(new Uint8Array(32))),
    };
    const alarm = await ledger.verifyFirstCheckin(wrong);
    expect(!alarm.ok && alarm.error.kind).toBe('alarm');
    tamper.current = undefined;
  });
});
