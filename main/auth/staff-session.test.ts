import { describe, expect, it } from 'vitest';
import type { MethodAccess } from '../rpc/api';
import { METHOD_ACCESS, RPC_METHODS } from '../rpc/api';
import { checkAccess } from './access';
import {
  initialStaffSession,
  STAFF_SESSION_MAX_MS,
  staffSessionTransition,
  type StaffSessionEvent,
  type StaffSessionState,
} from './staff-session';

const T = 1_700_000_000_000;
const out = initialStaffSession;
const pending: StaffSessionState = { status: 'pending', label: 'official-1' };
const official: StaffSessionState = {
  status: 'logged-in',
  label: 'official-1',
  role: 'official',
  name: 'OFFICIAL ONE',
  since: T,
  expiresAt: T + STAFF_SESSION_MAX_MS,
};
const pollWorker: StaffSessionState = { ...official, label: 'pw', role: 'poll-worker', name: 'PW' };
const technician: StaffSessionState = { ...official, label: 'tech', role: 'technician', name: 'TECH' };
const voterCard: StaffSessionState = { status: 'voter-card', label: 'voter-1' };

const auth = (
  label: string,
  role: 'voter' | 'official' | 'poll-worker' | 'technician',
): StaffSessionEvent => ({
  type: 'card-authenticated',
  label,
  role,
  name: label.toUpperCase(),
  now: T,
});

describe('staff session transitions', () => {
  const table: [string, StaffSessionState, StaffSessionEvent, StaffSessionState][] = [
    ['insert from logged out', out, { type: 'card-inserted', label: 'official-1' }, pending],
    ['second card ignored while one is in use', pending, { type: 'card-inserted', label: 'x' }, pending],
    ['official authenticated', pending, auth('official-1', 'official'), { ...official, name: 'OFFICIAL-1' }],
    [
      'poll worker authenticated',
      { status: 'pending', label: 'pw' },
      auth('pw', 'poll-worker'),
      { ...pollWorker, name: 'PW' },
    ],
    [
      'voter card gives no staff rights',
      { status: 'pending', label: 'voter-1' },
      auth('voter-1', 'voter'),
      voterCard,
    ],
    ['authentication for another card ignored', pending, auth('other', 'official'), pending],
    ['authentication when logged out ignored', out, auth('official-1', 'official'), out],
    [
      'card failed',
      pending,
      { type: 'card-failed', label: 'official-1' },
      { status: 'logged-out', reason: 'card-failed' },
    ],
    [
      'removal logs out',
      official,
      { type: 'card-removed', label: 'official-1' },
      { status: 'logged-out', reason: 'card-removed' },
    ],
    [
      'removal while pending',
      pending,
      { type: 'card-removed', label: 'official-1' },
      { status: 'logged-out', reason: 'card-removed' },
    ],
    [
      'removal of a voter card',
      voterCard,
      { type: 'card-removed', label: 'voter-1' },
      { status: 'logged-out', reason: 'card-removed' },
    ],
    ['removal of another card ignored', official, { type: 'card-removed', label: 'voter-1' }, official],
    ['sign out', official, { type: 'sign-out' }, { status: 'logged-out', reason: 'signed-out' }],
    ['sign out without session ignored', pending, { type: 'sign-out' }, pending],
    ['tick before expiry', official, { type: 'tick', now: T + STAFF_SESSION_MAX_MS - 1 }, official],
    [
      'tick at expiry',
      official,
      { type: 'tick', now: T + STAFF_SESSION_MAX_MS },
      { status: 'logged-out', reason: 'expired' },
    ],
    ['tick when logged out', out, { type: 'tick', now: T }, out],
  ];
  it.each(table)('%s', (_name, state, event, expected) => {
    expect(staffSessionTransition(state, event)).toEqual(expected);
  });
});

describe('access by role', () => {
  type Who = 'nobody' | 'voter-card' | 'poll-worker' | 'official' | 'technician';
  const staffOf: Record<Who, StaffSessionState> = {
    nobody: out,
    'voter-card': voterCard,
    'poll-worker': pollWorker,
    official,
    technician,
  };
  // access × who → allowed (voter session not running, real kiosk)
  const table: [MethodAccess, Who, boolean][] = [
    ['anyone', 'nobody', true],
    ['poll-worker', 'nobody', false],
    ['poll-worker', 'voter-card', false],
    ['poll-worker', 'poll-worker', true],
    ['poll-worker', 'official', true],
    ['poll-worker', 'technician', false],
    ['official', 'poll-worker', false],
    ['official', 'technician', false],
    ['official', 'official', true],
    ['technician', 'technician', true],
    ['technician', 'official', true],
    ['technician', 'poll-worker', false],
    ['voter', 'official', false],
    ['demo', 'official', false],
  ];
  it.each(table)('%s as %s → %s', (access, who, allowed) => {
    const d = checkAccess(access, { staff: staffOf[who], voterSessionActive: false, demo: false });
    expect(d.ok).toBe(allowed);
    if (!d.ok) expect(d.error.message.length).toBeGreaterThan(20);
  });

  it('voter methods need a voter session; dev dock needs demo mode', () => {
    expect(checkAccess('voter', { staff: out, voterSessionActive: true, demo: false }).ok).toBe(true);
    const notDemo = checkAccess('demo', { staff: official, voterSessionActive: false, demo: false });
    expect(notDemo).toMatchObject({ ok: false, error: { code: 'not-demo' } });
    expect(checkAccess('demo', { staff: out, voterSessionActive: false, demo: true }).ok).toBe(true);
  });

  it('names the card needed and the card signed in', () => {
    const d = checkAccess('official', { staff: pollWorker, voterSessionActive: false, demo: false });
    expect(d).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    if (!d.ok) expect(d.error.message).toMatch(/poll-worker card.*official/);
  });

  it('every RPC method has a declared access', () => {
    for (const m of RPC_METHODS)
      expect(['anyone', 'voter', 'poll-worker', 'official', 'technician', 'demo']).toContain(
        METHOD_ACCESS[m],
      );
  });
});
