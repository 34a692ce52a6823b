import { describe, expect, it } from 'vitest';
import { err, ok } from '../../protocol/result';
import type { BallotView, DocumentView, ReceiptView } from '../rpc/api';
import { checkSelections } from './ballot-view';
import { ageOn, checkEligibility, type EligibilityContext, type VoterIdentity } from './eligibility';
import {
  idleSession,
  isActive,
  SESSION_TIMEOUTS,
  sessionTransition,
  type Phase,
  type SessionEvent,
  type SessionState,
} from './voter-session';

const T = 1_900_000_000_000;
const REF = 'a'.repeat(64);
const doc: DocumentView = {
  format: 'mrz-td3',
  documentType: 'P',
  issuingState: 'FRA',
  surname: 'X',
  givenNames: 'Y',
  birthDate: '1990-01-01',
  expiryDate: null,
  nationality: 'FRA',
  valid: true,
};
const facts: { birthDate: string | null; nationality: string | null; valid: boolean } = {
  birthDate: '1990-01-01',
  nationality: 'FRA',
  valid: true,
};
const receipt: ReceiptView = {
  trackingCode: 'ABCD-EFGH-IJKL-MNOP',
  qrPayload: 'http://x/v1/lookup?code=ABCD-EFGH-IJKL-MNOP',
  qrSvgDataUrl: 'data:image/svg+xml;base64,',
  printed: { ok: true },
};
const eligible = ok({ voterRef: REF, style: 'fra' });
const notInSample = err({ reason: 'not-in-sample' as const, message: 'no' });

const S = {
  idle: idleSession,
  identifying: { phase: 'identifying', label: 'v1', expiresAt: T + 1000 },
  confirming: {
    phase: 'awaiting-confirmation',
    document: doc,
    facts,
    credentialKey: 'doc:FRA:1',
    expiresAt: T + 1000,
  },
  checkingCard: { phase: 'checking-in', method: 'card', label: 'v1', voterRef: REF, style: 'fra' },
  checkingDoc: { phase: 'checking-in', method: 'document', label: null, voterRef: REF, style: 'fra' },
  failed: {
    phase: 'check-in-failed',
    method: 'card',
    label: 'v1',
    voterRef: REF,
    style: 'fra',
    message: 'down',
    expiresAt: T + 1000,
  },
  ballotCard: {
    phase: 'ballot',
    method: 'card',
    label: 'v1',
    style: 'fra',
    selections: {},
    revision: 0,
    expiresAt: T + 1000,
  },
  ballotDoc: {
    phase: 'ballot',
    method: 'document',
    label: null,
    style: 'fra',
    selections: {},
    revision: 0,
    expiresAt: T + 1000,
  },
  review: {
    phase: 'review',
    method: 'card',
    label: 'v1',
    style: 'fra',
    selections: { q: ['yes'] },
    revision: 1,
    lastError: null,
    expiresAt: T + 1000,
  },
  casting: {
    phase: 'casting',
    method: 'card',
    label: 'v1',
    style: 'fra',
    selections: { q: ['yes'] },
    revision: 1,
  },
  cast: { phase: 'cast', receipt, expiresAt: T + 1000 },
  ended: { phase: 'ended', reason: 'cancelled', message: 'm', expiresAt: T + 1000 },
  ineligible: { phase: 'ineligible', reason: 'not-in-sample', message: 'm', expiresAt: T + 1000 },
} satisfies Record<string, SessionState>;

const now = T + 10;
const E = {
  detect: { type: 'voter-card-detected', label: 'v1', now },
  authOk: { type: 'voter-card-authenticated', label: 'v1', eligibility: eligible, now },
  authNo: { type: 'voter-card-authenticated', label: 'v1', eligibility: notInSample, now },
  authOther: { type: 'voter-card-authenticated', label: 'v2', eligibility: eligible, now },
  cardFailed: { type: 'voter-card-failed', label: 'v1', message: 'expired', now },
  removed: { type: 'card-removed', label: 'v1', now },
  removedOther: { type: 'card-removed', label: 'pw', now },
  scan: { type: 'document-scanned', document: doc, facts, credentialKey: 'doc:FRA:1', now },
  refusedDoc: { type: 'start-refused', reason: 'document-rejected', message: 'unreadable', now },
  rejected: { type: 'document-rejected', now },
  confirmed: { type: 'document-confirmed', eligibility: eligible, now },
  ack: { type: 'check-in-acknowledged', now },
  elsewhere: { type: 'check-in-refused', reason: 'already-checked-in', message: 'twice', now },
  unreachable: { type: 'check-in-unreachable', message: 'down', now },
  retry: { type: 'retry-check-in', now },
  review: { type: 'review', selections: { q: ['no'] }, now },
  edit: { type: 'edit', now },
  castRight: { type: 'cast', revision: 1, now },
  castStale: { type: 'cast', revision: 0, now },
  committed: { type: 'cast-committed', receipt, now },
  castFailed: { type: 'cast-failed', message: 'locked', now },
  cancel: { type: 'cancel', now },
  finish: { type: 'finish', now },
  tickEarly: { type: 'tick', now: T + 999 },
  tickLate: { type: 'tick', now: T + 1000 },
} satisfies Record<string, SessionEvent>;

type Expect = Phase | 'same' | `ended:${string}`;

describe('voter session transitions', () => {
  const table: [keyof typeof S, keyof typeof E, Expect][] = [
    ['idle', 'detect', 'identifying'],
    ['idle', 'scan', 'awaiting-confirmation'],
    ['idle', 'refusedDoc', 'ineligible'],
    ['idle', 'authOk', 'same'],
    ['idle', 'castRight', 'same'],
    ['idle', 'tickLate', 'same'],
    ['identifying', 'authOk', 'checking-in'],
    ['identifying', 'authNo', 'ineligible'],
    ['identifying', 'authOther', 'same'],
    ['identifying', 'cardFailed', 'ineligible'],
    ['identifying', 'removed', 'ended:card-removed'],
    ['identifying', 'removedOther', 'same'],
    ['identifying', 'scan', 'same'],
    ['identifying', 'cancel', 'ended:cancelled'],
    ['identifying', 'tickEarly', 'same'],
    ['identifying', 'tickLate', 'ended:timeout'],
    ['confirming', 'confirmed', 'checking-in'],
    ['confirming', 'rejected', 'ended:refused'],
    ['confirming', 'removedOther', 'same'],
    ['confirming', 'detect', 'same'],
    ['confirming', 'tickLate', 'ended:timeout'],
    ['checkingCard', 'ack', 'ballot'],
    ['checkingCard', 'elsewhere', 'ineligible'],
    ['checkingCard', 'unreachable', 'check-in-failed'],
    ['checkingCard', 'removed', 'ended:card-removed'],
    ['checkingCard', 'tickLate', 'same'],
    ['checkingCard', 'review', 'same'],
    ['checkingDoc', 'removed', 'same'],
    ['checkingDoc', 'ack', 'ballot'],
    ['failed', 'retry', 'checking-in'],
    ['failed', 'cancel', 'ended:cancelled'],
    ['failed', 'tickLate', 'ended:timeout'],
    ['ballotCard', 'review', 'review'],
    ['ballotCard', 'castRight', 'same'],
    ['ballotCard', 'removed', 'ended:card-removed'],
    ['ballotCard', 'tickLate', 'ended:timeout'],
    ['ballotCard', 'cancel', 'ended:cancelled'],
    ['ballotDoc', 'removed', 'same'],
    ['ballotDoc', 'removedOther', 'same'],
    ['review', 'castRight', 'casting'],
    ['review', 'castStale', 'same'],
    ['review', 'edit', 'ballot'],
    ['review', 'review', 'review'],
    ['review', 'removed', 'ended:card-removed'],
    ['review', 'tickLate', 'ended:timeout'],
    ['review', 'finish', 'same'],
    ['casting', 'committed', 'cast'],
    ['casting', 'castFailed', 'review'],
    ['casting', 'removed', 'same'],
    ['casting', 'tickLate', 'same'],
    ['casting', 'cancel', 'same'],
    ['casting', 'castRight', 'same'],
    ['cast', 'removed', 'same'],
    ['cast', 'cancel', 'same'],
    ['cast', 'finish', 'idle'],
    ['cast', 'tickLate', 'idle'],
    ['cast', 'detect', 'identifying'],
    ['ended', 'finish', 'idle'],
    ['ended', 'tickLate', 'idle'],
    ['ended', 'scan', 'awaiting-confirmation'],
    ['ineligible', 'finish', 'idle'],
    ['ineligible', 'detect', 'identifying'],
  ];
  it.each(table)('%s + %s → %s', (from, event, expected) => {
    const state = S[from];
    const next = sessionTransition(state, E[event]);
    if (expected === 'same') expect(next).toBe(state);
    else if (expected.startsWith('ended:'))
      expect(next).toMatchObject({ phase: 'ended', reason: expected.slice(6) });
    else expect(next.phase).toBe(expected);
  });

  it('drops the voterRef once checked in: the ballot phases know only the style', () => {
    const next = sessionTransition(S.checkingCard, E.ack);
    expect(JSON.stringify(next)).not.toContain(REF);
    expect(next).toMatchObject({ phase: 'ballot', style: 'fra', method: 'card', label: 'v1' });
  });

  it('casts exactly the reviewed selections, and a new review bumps the revision', () => {
    const review2 = sessionTransition(S.review, E.review);
    expect(review2).toMatchObject({ phase: 'review', revision: 2, selections: { q: ['no'] } });
    expect(sessionTransition(review2, E.castRight)).toBe(review2);
    const casting = sessionTransition(review2, { type: 'cast', revision: 2, now });
    expect(casting).toMatchObject({ phase: 'casting', selections: { q: ['no'] } });
  });

  it('a failed cast returns to review with the message and the same selections', () => {
    expect(sessionTransition(S.casting, E.castFailed)).toMatchObject({
      phase: 'review',
      lastError: 'locked',
      selections: { q: ['yes'] },
    });
  });

  it('touch extends only interactive phases', () => {
    const touched = sessionTransition(S.ballotCard, { type: 'touch', now: T + 500 });
    expect(touched).toMatchObject({ expiresAt: T + 500 + SESSION_TIMEOUTS.ballot });
    expect(sessionTransition(S.casting, { type: 'touch', now })).toBe(S.casting);
  });

  it('records the print outcome on the receipt', () => {
    const next = sessionTransition(S.cast, {
      type: 'receipt-printed',
      printed: { ok: false, message: 'jammed' },
    });
    expect(next).toMatchObject({ phase: 'cast', receipt: { printed: { ok: false, message: 'jammed' } } });
  });

  it('knows when a voter is using the kiosk', () => {
    expect(isActive(S.idle)).toBe(false);
    expect(isActive(S.ended)).toBe(false);
    expect(isActive(S.ineligible)).toBe(false);
    expect(isActive(S.ballotDoc)).toBe(true);
    expect(isActive(S.casting)).toBe(true);
  });
});

describe('eligibility', () => {
  const now = new Date('2030-06-15T10:00:00Z');
  const sample = new Map([
    [REF, 'fra'],
    ['b'.repeat(64), 'deu'],
  ]);
  const table: Record<string, { voterRef: string; style: string }> = {
    'card:known': { voterRef: REF, style: 'fra' },
    'doc:FRA:1': { voterRef: REF, style: 'fra' },
    'card:not-sampled': { voterRef: 'c'.repeat(64), style: 'fra' },
    'card:wrong-style': { voterRef: 'b'.repeat(64), style: 'fra' },
    'card:unknown-style': { voterRef: REF, style: 'atlantis' },
    'card:here': { voterRef: 'd'.repeat(64), style: 'deu' },
  };
  const ctx: EligibilityContext = {
    now,
    opens: new Date('2030-06-15T08:00:00Z'),
    closes: new Date('2030-06-15T20:00:00Z'),
    minAge: 18,
    nationalities: ['FRA', 'DEU'],
    lookup: (k) => table[k] as never,
    styles: new Set(['fra', 'deu']),
    sample,
    checkedInHere: (r) => r === 'd'.repeat(64),
  };
  const card = (k: string): VoterIdentity => ({ kind: 'card', credentialKey: k });
  const document = (over: Partial<typeof facts>): VoterIdentity => ({
    kind: 'document',
    credentialKey: 'doc:FRA:1',
    document: { ...facts, ...over },
  });
  const cases: [string, VoterIdentity, Partial<EligibilityContext>, string][] = [
    ['known card in sample', card('card:known'), {}, 'ok'],
    ['before opens', card('card:known'), { now: new Date('2030-06-15T07:59:59Z') }, 'outside-window'],
    ['at closes', card('card:known'), { now: new Date('2030-06-15T20:00:00Z') }, 'outside-window'],
    ['unknown credential', card('card:nobody'), {}, 'unknown-credential'],
    ['style not in the package', card('card:unknown-style'), {}, 'unknown-credential'],
    ['on the roll, not in the sample', card('card:not-sampled'), {}, 'not-in-sample'],
    ['sample style differs', card('card:wrong-style'), {}, 'not-in-sample'],
    ['roll mode: no sample check', card('card:not-sampled'), { sample: null }, 'ok'],
    ['already checked in here', card('card:here'), { sample: null }, 'already-checked-in'],
    ['valid document', document({}), {}, 'ok'],
    ['check digits fail', document({ valid: false }), {}, 'document-invalid'],
    ['17 years old', document({ birthDate: '2012-06-16' }), {}, 'under-age'],
    ['18 today', document({ birthDate: '2012-06-15' }), {}, 'ok'],
    ['no birth date: left to the registration', document({ birthDate: null }), {}, 'ok'],
    ['other nationality', document({ nationality: 'USA' }), {}, 'nationality'],
    ['no nationality (AAMVA)', document({ nationality: null }), {}, 'ok'],
    ['any nationality allowed', document({ nationality: 'USA' }), { nationalities: [] }, 'ok'],
    // ICAO 9303-3 §5: a German MRZ says "D"; the package says DEU.
    ['German MRZ code D', document({ nationality: 'D' }), { nationalities: ['DEU'] }, 'ok'],
    [
      'German MRZ code D, Germany not listed',
      document({ nationality: 'D' }),
      { nationalities: ['FRA'] },
      'nationality',
    ],
  ];
  it.each(cases)('%s → %s', (_name, identity, over, expected) => {
    const r = checkEligibility(identity, { ...ctx, ...over });
    if (expected === 'ok') expect(r.ok).toBe(true);
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.reason).toBe(expected);
        expect(r.error.message.length).toBeGreaterThan(20);
      }
    }
  });

  it('computes age in full years on the UTC calendar', () => {
    expect(ageOn('2000-02-29', new Date('2018-02-28T23:59:59Z'))).toBe(17);
    expect(ageOn('2000-02-29', new Date('2018-03-01T00:00:00Z'))).toBe(18);
    expect(ageOn('1990-12-31', new Date('2030-12-31T00:00:00Z'))).toBe(40);
  });
});

describe('selections against the ballot', () => {
  const ballot: BallotView = {
    styleId: 'fra',
    languages: ['en'],
    contests: [
      {
        id: 'q',
        question: { en: 'Q?' },
        maxChoices: 1,
        scope: 'global',
        options: [
          { id: 'yes', label: { en: 'Yes' } },
          { id: 'no', label: { en: 'No' } },
        ],
      },
      {
        id: 'c',
        question: { en: 'C?' },
        maxChoices: 2,
        scope: 'FRA',
        options: ['a', 'b', 'c'].map((id) => ({ id, label: { en: id } })),
      },
    ],
  };
  it('fills blank contests and keeps ballot order', () => {
    expect(checkSelections(ballot, { c: ['a', 'b'] })).toEqual({ ok: true, value: { q: [], c: ['a', 'b'] } });
  });
  it.each([
    [{ x: ['yes'] }, 'selections.x', /not a contest/],
    [{ q: ['maybe'] }, 'selections.q.0', /not an option/],
    [{ q: ['yes', 'yes'] }, 'selections.q.1', /twice/],
    [{ q: ['yes', 'no'] }, 'selections.q', /at most 1/],
  ])('refuses %j at %s', (selections, path, why) => {
    const r = checkSelections(ballot, selections);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.find((i) => i.path === path)?.message).toMatch(why);
  });
});
