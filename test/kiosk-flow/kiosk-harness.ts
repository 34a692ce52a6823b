/**
 * A kiosk on emulated devices behind its real RPC server, and a typed client that calls it the way
 * the renderer does (KioskApi types, bearer token, JSON), with the steps a demo day repeats: sign a
 * card in, vote by card or by passport, wait for the ledger to acknowledge everything.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DemoElectionFolder } from '../../main/kiosk/demo-election';
import type { DemoLedger } from '../../main/kiosk/demo-ledger';
import type { EmulatedHsm } from '../../drivers/pkcs11/emulated-hsm';
import { DEMO_HSM_PIN, startEmulatedKiosk, type EmulatedKiosk } from '../../main/kiosk/emulated-kiosk';
import { startKioskServer } from '../../main/kiosk/kiosk-server';
import type {
  KioskApi,
  KioskStatus,
  RpcError,
  RpcMethod,
  RpcResponse,
  Selections,
  VoterView,
} from '../../main/rpc/api';
import type { RunningRpcServer } from '../../main/rpc/server';

export interface Harness {
  readonly name: string;
  readonly emulated: EmulatedKiosk;
  readonly server: RunningRpcServer;
  call<M extends RpcMethod>(
    method: M,
    input: KioskApi[M]['input'],
  ): Promise<RpcResponse<KioskApi[M]['output']>>;
  /** Calls and expects ok; returns the value. */
  ok<M extends RpcMethod>(method: M, input: KioskApi[M]['input']): Promise<KioskApi[M]['output']>;
  /** Calls and expects a failure; returns the error. */
  fails<M extends RpcMethod>(method: M, input: KioskApi[M]['input']): Promise<RpcError>;
  status(): Promise<KioskStatus>;
  waitFor(what: string, done: (s: KioskStatus) => boolean, timeoutMs?: number): Promise<KioskStatus>;
  signIn(label: string, pin?: string): Promise<void>;
  signOut(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(o: {
  name: string;
  dir: string;
  election: DemoElectionFolder;
  ledger: DemoLedger;
  clock: () => number;
  hsm?: EmulatedHsm;
}): Promise<Harness> {
  const started = await startEmulatedKiosk({
    dataDir: join(o.dir, o.name),
    election: o.election,
    ledgerUrl: o.ledger.url,
    ledger: o.ledger,
    version: 'test',
    clock: o.clock,
    queueOptions: { witnessPollMs: 100, idlePollMs: 300, backoff: { baseMs: 100, maxMs: 400 } },
    ...(o.hsm ? { hsm: o.hsm } : {}),
  });
  if (!started.ok) throw new Error(started.error);
  const emulated = started.value;
  const server = await startKioskServer(emulated.kiosk, emulated.dock, { staticRoot: null });
  return connectHarness(o.name, emulated, server, async () => {
    await server.close();
    await emulated.close();
  });
}

/** The typed client and demo-day steps for a kiosk already serving its RPC (e.g. a whole demo). */
export function connectHarness(
  name: string,
  emulated: EmulatedKiosk,
  server: RunningRpcServer,
  close: () => Promise<void>,
): Harness {
  const o = { name };
  const call = async <M extends RpcMethod>(method: M, input: KioskApi[M]['input']) => {
    const res = await fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    return (await res.json()) as RpcResponse<KioskApi[M]['output']>;
  };
  const h: Harness = {
    name: o.name,
    emulated,
    server,
    call,
    async ok(method, input) {
      const r = await call(method, input);
      if (!r.ok) throw new Error(`${o.name} ${method}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    async fails(method, input) {
      const r = await call(method, input);
      if (r.ok) throw new Error(`${o.name} ${method} was expected to fail`);
      return r.error;
    },
    status: () => h.ok('getStatus', {}),
    async waitFor(what, done, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let s = await h.status();
      while (!done(s)) {
        if (Date.now() > until)
          throw new Error(
            `${o.name}: timed out waiting for ${what}; last status ${JSON.stringify(s).slice(0, 800)}`,
          );
        s = await h.ok('watchStatus', { after: s.revision, timeoutMs: 200 });
      }
      return s;
    },
    async signIn(label, pin = '123456') {
      await h.ok('devInsertCard', { label });
      await h.waitFor(`${label} to ask for its PIN`, (s) => s.card.status === 'awaiting-pin');
      const card = await h.ok('enterCardPin', { pin });
      expect(card.status).toBe('authenticated');
    },
    async signOut() {
      await h.ok('devRemoveCard', {});
      await h.waitFor('the card to be out', (s) => s.card.status === 'no-card' && s.staff === null);
    },
    close,
  };
  return h;
}

export const HSM_PIN = DEMO_HSM_PIN;

/** The first option of every contest (a simple voter). */
export function firstChoices(voter: VoterView): Selections {
  if (voter.phase !== 'ballot') throw new Error(`no ballot on screen (${voter.phase})`);
  return Object.fromEntries(voter.ballot.contests.map((c) => [c.id, [c.options[0]!.id]]));
}

/** From a ballot on screen: review, then cast; returns the tracking code. */
export async function reviewAndCast(h: Harness, selections?: Selections): Promise<string> {
  const s = await h.status();
  const chosen = selections ?? firstChoices(s.session.voter);
  const review = await h.ok('reviewBallot', {
    selections: Object.fromEntries(Object.entries(chosen).map(([c, o]) => [c, [...o]])),
  });
  if (review.voter.phase !== 'review') throw new Error(`not in review: ${review.voter.phase}`);
  const cast = await h.ok('castBallot', { revision: review.voter.revision });
  if (cast.voter.phase !== 'cast') throw new Error(`not cast: ${JSON.stringify(cast.voter)}`);
  return cast.voter.receipt.trackingCode;
}

/** A voter card: insert, PIN, wait for the outcome of the check-in; returns the voter phase reached. */
export async function presentVoterCard(h: Harness, label: string): Promise<VoterView> {
  await h.ok('devInsertCard', { label });
  const pinned = await h.waitFor(
    `${label}: PIN prompt or refusal`,
    (s) => s.card.status === 'awaiting-pin' || s.card.status === 'failed',
  );
  if (pinned.card.status === 'failed') return pinned.session.voter;
  await h.ok('enterCardPin', { pin: '123456' });
  const s = await h.waitFor(
    `${label}: check-in outcome`,
    (x) => !['identifying', 'checking-in', 'idle'].includes(x.session.voter.phase),
  );
  return s.session.voter;
}
