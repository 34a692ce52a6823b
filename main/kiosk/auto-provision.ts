/**
 * Demo mode: the official's whole provisioning flow, played at start so a visitor can vote within a
 * minute — through the same handlers the RPC calls, with the demo's emulated official card (inserted,
 * PIN entered, removed at the end): load the election folder, create the kiosk key with the HSM PIN,
 * enrol with the ledger, open polls. A kiosk that is already provisioned is only unlocked and, when
 * polls are not open yet, opened.
 */
import { err, ok, type Result } from '../../protocol/result';
import type { Handlers } from '../rpc/handlers';
import type { DevDock } from './dev-dock';
import type { Kiosk } from './kiosk';

export interface AutoProvisionOptions {
  readonly kiosk: Kiosk;
  readonly dock: DevDock;
  readonly handlers: Handlers;
  readonly electionDir: string;
  readonly officialLabel: string;
  readonly hsmPin: string;
  /** How long to wait for the card reader to see the card (ms). */
  readonly timeoutMs?: number;
}

async function waitFor(
  kiosk: Kiosk,
  done: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<Result<void, string>> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    const left = until - Date.now();
    if (left <= 0) return err(`timed out waiting for ${what}`);
    await kiosk.ctx.waitForChange(kiosk.ctx.currentRevision, Math.min(left, 200));
  }
  return ok(undefined);
}

export async function autoProvision(o: AutoProvisionOptions): Promise<Result<string[], string>> {
  const { kiosk, dock, handlers } = o;
  const steps: string[] = [];
  const timeout = o.timeoutMs ?? 10_000;
  const inserted = dock.insertCard(o.officialLabel);
  if (!inserted.ok) return err(inserted.error.message);
  try {
    const pin = await waitFor(
      kiosk,
      () => kiosk.ctx.auth.cardView().status === 'awaiting-pin',
      timeout,
      'the official card',
    );
    if (!pin.ok) return pin;
    const card = dock.pinOf(o.officialLabel);
    const signed = await handlers.enterCardPin({ pin: card });
    if (!signed.ok || kiosk.ctx.auth.staffView()?.role !== 'official') {
      return err(`the official card did not sign in: ${JSON.stringify(kiosk.ctx.auth.cardView())}`);
    }
    steps.push('official signed in');
    const step = () => kiosk.provisioning.step();
    if (step() === 'unconfigured') {
      const loaded = await handlers.loadElection({ path: o.electionDir });
      if (!loaded.ok) return err(`loadElection: ${loaded.error.message}`);
      steps.push('election loaded and verified');
    }
    if (step() === 'package-loaded') {
      const key = await handlers.createKioskKey({ hsmPin: o.hsmPin });
      if (!key.ok) return err(`createKioskKey: ${key.error.message}`);
      steps.push('kiosk key created and sealed by the HSM');
    } else if (kiosk.status().locked) {
      const unlocked = await handlers.unlockHsm({ hsmPin: o.hsmPin });
      if (!unlocked.ok) return err(`unlockHsm: ${unlocked.error.message}`);
      steps.push('HSM unlocked');
    }
    if (step() === 'key-created') {
      const enrolled = await handlers.enrolKiosk({});
      if (!enrolled.ok) return err(`enrolKiosk: ${enrolled.error.message}`);
      steps.push(`kiosk enrolled (ledger index ${enrolled.value.enrolmentIndex})`);
    }
    const polls = kiosk.polls.state();
    if (polls === 'not-open' || polls === 'paused') {
      const opened = polls === 'paused' ? await handlers.resumePolls({}) : await handlers.openPolls({});
      if (!opened.ok)
        return err(`${polls === 'paused' ? 'resumePolls' : 'openPolls'}: ${opened.error.message}`);
      steps.push(polls === 'paused' ? 'polls resumed' : 'polls opened (zero report)');
    }
    return ok(steps);
  } finally {
    dock.removeCard();
  }
}
