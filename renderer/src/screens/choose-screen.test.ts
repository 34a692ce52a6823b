import { describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../../main/rpc/api';
import { BALLOT, status, withCard, withVoter } from '../test-support/fixtures';
import { chooseScreen, type ScreenChoice } from './choose-screen';

const PROMPT = {
  kioskFailures: 0,
  lockedUntil: null,
  cardCountLow: false,
  cardFinalTry: false,
  lastError: null,
  lastErrorCode: null,
};

const kind = (choice: ScreenChoice) =>
  choice.kind === 'closed'
    ? `closed:${choice.reason}`
    : choice.kind === 'card'
      ? `card:${choice.audience}`
      : choice.kind;

const TABLE: [string, KioskStatus | null, string][] = [
  ['no status yet', null, 'connecting'],
  ['polls open, nobody there', status(), 'attract'],
  [
    'not provisioned',
    status({ provisioning: { step: 'package-loaded', election: null, kioskId: null, enrolmentIndex: null } }),
    'closed:not-configured',
  ],
  ['polls not open', status({ polls: 'not-open' }), 'closed:not-open'],
  ['polls paused', status({ polls: 'paused' }), 'closed:paused'],
  ['polls closed', status({ polls: 'closed' }), 'closed:closed'],
  ['HSM locked', status({ locked: true }), 'closed:locked'],
  [
    'locked after a restart, with the blocking HSM-locked alarm the backend raises',
    status({
      locked: true,
      alarms: [
        {
          kind: 'hsm-locked',
          device: 'hsm',
          message: 'Locked: an election official must enter the HSM PIN.',
          since: '2030-05-01T09:00:00Z',
          blocking: true,
        },
      ],
    }),
    'closed:locked',
  ],
  ['polls closed (the kiosk locks itself)', status({ polls: 'closed', locked: true }), 'closed:closed'],
  [
    'lid open (blocking alarm) outranks locked',
    status({
      locked: true,
      alarms: [
        {
          kind: 'tamper',
          device: 'controller',
          message: 'lid open',
          since: '2030-05-01T09:00:00Z',
          blocking: true,
        },
      ],
    }),
    'closed:out-of-service',
  ],
  [
    'a non-blocking alarm does not stop voting',
    status({
      alarms: [
        {
          kind: 'printer',
          device: 'printer',
          message: 'paper out',
          since: '2030-05-01T09:00:00Z',
          blocking: false,
        },
      ],
    }),
    'attract',
  ],
  ['a card being read', withCard({ status: 'reading', label: 'card-1' }), 'card:unknown'],
  [
    'a voter card asks its PIN',
    withCard({ status: 'awaiting-pin', label: 'v', role: 'voter', prompt: PROMPT }),
    'card:voter',
  ],
  [
    'an official card asks its PIN',
    withCard({ status: 'awaiting-pin', label: 'o', role: 'official', prompt: PROMPT }),
    'card:staff',
  ],
  [
    'a poll worker card is being verified',
    withCard({ status: 'verifying', label: 'p', role: 'poll-worker' }),
    'card:staff',
  ],
  ['a signed-out staff card', withCard({ status: 'signed-out', label: 'o' }), 'card:unknown'],
  [
    'a card refused',
    withCard({ status: 'failed', label: 'x', reason: 'expired', lockedUntil: null, message: 'expired' }),
    'card:unknown',
  ],
  [
    'staff signed in, even with polls closed',
    withCard(
      { status: 'authenticated', label: 'o', role: 'official' },
      { role: 'official', name: 'Ada' },
      status({ polls: 'closed' }),
    ),
    'staff',
  ],
  ['a voter on the ballot', withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }), 'voter'],
  [
    'a voter on the ballot whose card is authenticated',
    withCard(
      { status: 'authenticated', label: 'v', role: 'voter' },
      null,
      withVoter({ phase: 'ballot', ballot: BALLOT, selections: {} }),
    ),
    'voter',
  ],
  [
    'a voter casting keeps their screen even if the card fails',
    withCard(
      { status: 'failed', label: 'v', reason: 'removed', lockedUntil: null, message: 'removed' },
      null,
      withVoter({ phase: 'casting' }),
    ),
    'voter',
  ],
  [
    'an ended session is shown even after polls paused',
    withVoter({ phase: 'ended', reason: 'timeout', message: 'x' }, null, status({ polls: 'paused' })),
    'voter',
  ],
];

describe('chooseScreen', () => {
  it.each(TABLE)('%s', (_name, input, expected) => {
    expect(kind(chooseScreen(input))).toBe(expected);
  });
});
