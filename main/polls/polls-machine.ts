/**
 * Polls at one kiosk (issue 6 "Polls"; DESIGN §5 polls events): a pure transition function, tested by a
 * table. The state itself is not stored apart: it is the last polls event in the kiosk chain (the
 * store), so it survives a restart and can never disagree with what the ledger was sent.
 *
 *   not-open --open--> open --pause--> paused --resume--> open
 *   open | paused --close--> closed (final batch, then the close event; nothing after it)
 *
 * Each accepted command names the polls event to sign (DESIGN §5); refusals say why and what to do.
 */
import type { PollsEvent } from '../../protocol/entries';
import type { PollsState, ProvisioningStep } from '../rpc/api';

export type PollsCommand = PollsEvent;

export interface PollsContext {
  readonly provisioning: ProvisioningStep;
  /** The kiosk key is unsealed (an official entered the HSM PIN since the last start). */
  readonly unlocked: boolean;
  /** A voter is in the middle of a session. */
  readonly voterSessionActive: boolean;
  readonly now: number;
  /** End of the check-in window (DESIGN §4 `window.closes`). */
  readonly closesMs: number;
}

export type PollsOutcome =
  | { readonly ok: true; readonly state: PollsState; readonly event: PollsEvent }
  | { readonly ok: false; readonly message: string };

const refuse = (message: string): PollsOutcome => ({ ok: false, message });

const NEXT: Readonly<Record<PollsCommand, { from: readonly PollsState[]; to: PollsState }>> = {
  open: { from: ['not-open'], to: 'open' },
  pause: { from: ['open'], to: 'paused' },
  resume: { from: ['paused'], to: 'open' },
  close: { from: ['open', 'paused'], to: 'closed' },
};

const WRONG_STATE: Readonly<Record<PollsCommand, Readonly<Partial<Record<PollsState, string>>>>> = {
  open: {
    open: 'Polls are already open.',
    paused: 'Polls are paused: resume them instead of opening.',
    closed: 'Polls are closed at this kiosk and cannot be opened again.',
  },
  pause: {
    'not-open': 'Polls are not open yet.',
    paused: 'Polls are already paused.',
    closed: 'Polls are closed.',
  },
  resume: {
    'not-open': 'Polls are not open yet: open them.',
    open: 'Polls are already open.',
    closed: 'Polls are closed at this kiosk and cannot be resumed.',
  },
  close: {
    'not-open': 'Polls were never opened at this kiosk.',
    closed: 'Polls are already closed.',
  },
};

export function pollsTransition(state: PollsState, command: PollsCommand, ctx: PollsContext): PollsOutcome {
  if (ctx.provisioning !== 'ready') {
    return refuse('This kiosk is not ready: load the election, create the kiosk key and enrol it first.');
  }
  const rule = NEXT[command];
  if (!rule.from.includes(state)) return refuse(WRONG_STATE[command][state] ?? `Cannot ${command} now.`);
  if (command !== 'pause' && !ctx.unlocked) {
    return refuse('The kiosk is locked: an election official must enter the HSM PIN first.');
  }
  if ((command === 'pause' || command === 'close') && ctx.voterSessionActive) {
    return refuse(`A voter is using the kiosk: wait until they finish before you ${command} polls.`);
  }
  if ((command === 'open' || command === 'resume') && ctx.now >= ctx.closesMs) {
    return refuse(
      `The voting window closed at ${new Date(ctx.closesMs).toISOString()}: no one can check in any more. Close polls instead.`,
    );
  }
  return { ok: true, state: rule.to, event: command };
}

/** The polls state from the last polls event in the kiosk chain. */
export function pollsStateOf(lastEvent: PollsEvent | undefined): PollsState {
  switch (lastEvent) {
    case undefined:
      return 'not-open';
    case 'open':
    case 'resume':
      return 'open';
    case 'pause':
      return 'paused';
    case 'close':
      return 'closed';
  }
}
