import { describe, expect, it } from 'vitest';
import { RECEIPT_LIMITS } from '../../firmware-bridge/kiosk-protocol';
import type { PollsState } from '../rpc/api';
import { pollsStateOf, pollsTransition, type PollsCommand, type PollsContext } from './polls-machine';
import { buildPollsReport, isZero, reportHtml, reportReceiptLines } from './polls-report';

const T = Date.parse('2030-05-01T12:00:00Z');
const ready: PollsContext = {
  provisioning: 'ready',
  unlocked: true,
  voterSessionActive: false,
  now: T,
  closesMs: T + 3_600_000,
};

describe('polls transitions', () => {
  // state × command → next state, or a refusal matching the pattern
  const table: [PollsState, PollsCommand, Partial<PollsContext>, PollsState | RegExp][] = [
    ['not-open', 'open', {}, 'open'],
    ['not-open', 'pause', {}, /not open yet/],
    ['not-open', 'resume', {}, /open them/],
    ['not-open', 'close', {}, /never opened/],
    ['open', 'open', {}, /already open/],
    ['open', 'pause', {}, 'paused'],
    ['open', 'resume', {}, /already open/],
    ['open', 'close', {}, 'closed'],
    ['paused', 'open', {}, /resume them/],
    ['paused', 'pause', {}, /already paused/],
    ['paused', 'resume', {}, 'open'],
    ['paused', 'close', {}, 'closed'],
    ['closed', 'open', {}, /cannot be opened again/],
    ['closed', 'resume', {}, /cannot be resumed/],
    ['closed', 'close', {}, /already closed/],
    ['closed', 'pause', {}, /closed/],
    // guards
    ['not-open', 'open', { provisioning: 'key-created' }, /not ready/],
    ['not-open', 'open', { provisioning: 'unconfigured' }, /not ready/],
    ['not-open', 'open', { unlocked: false }, /HSM PIN/],
    ['paused', 'resume', { unlocked: false }, /HSM PIN/],
    ['open', 'close', { unlocked: false }, /HSM PIN/],
    ['open', 'pause', { unlocked: false }, 'paused'],
    ['open', 'pause', { voterSessionActive: true }, /voter is using/],
    ['open', 'close', { voterSessionActive: true }, /voter is using/],
    ['not-open', 'open', { now: T + 3_600_000 }, /window closed/],
    ['paused', 'resume', { now: T + 7_200_000 }, /Close polls instead/],
    ['open', 'close', { now: T + 7_200_000 }, 'closed'],
  ];
  it.each(table)('%s + %s %j → %s', (state, command, over, expected) => {
    const outcome = pollsTransition(state, command, { ...ready, ...over });
    if (typeof expected === 'string') {
      expect(outcome).toEqual({ ok: true, state: expected, event: command });
    } else {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.message).toMatch(expected);
    }
  });

  it('reads the state from the last polls event of the chain', () => {
    expect(pollsStateOf(undefined)).toBe('not-open');
    expect(pollsStateOf('open')).toBe('open');
    expect(pollsStateOf('resume')).toBe('open');
    expect(pollsStateOf('pause')).toBe('paused');
    expect(pollsStateOf('close')).toBe('closed');
  });
});

describe('polls reports', () => {
  const base = {
    electionId: 'e'.repeat(64),
    electionTitle: { en: 'Demo <election> & "vote"' },
    kioskId: 'k'.repeat(64),
    generatedAt: new Date('2030-05-01T12:00:00Z'),
    pollsEntry: { seq: 1, leafHash: 'a'.repeat(64), acknowledged: true },
    ballotsWaiting: 0,
    lastAcknowledgedCheckpoint: null,
  };

  it('a zero report has zero totals and says ZERO; a non-zero one warns', () => {
    const zero = buildPollsReport({ ...base, kind: 'zero', byStyle: [] });
    expect(isZero(zero)).toBe(true);
    expect(reportHtml(zero, base.electionTitle)).toContain('ZERO: no check-in and no ballot');
    const notZero = buildPollsReport({
      ...base,
      kind: 'zero',
      byStyle: [{ style: 'a', checkins: 1, ballots: 0 }],
    });
    expect(isZero(notZero)).toBe(false);
    expect(reportHtml(notZero, base.electionTitle)).toContain('NOT ZERO');
  });

  it('a close report sums counts per style and sorts styles', () => {
    const r = buildPollsReport({
      ...base,
      kind: 'close',
      byStyle: [
        { style: 'usa-ca', checkins: 3, ballots: 2 },
        { style: 'fra', checkins: 1, ballots: 1 },
      ],
    });
    expect(r.totals).toEqual({ checkins: 4, ballots: 3 });
    expect(r.byStyle.map((s) => s.style)).toEqual(['fra', 'usa-ca']);
    const html = reportHtml(r, base.electionTitle);
    expect(html).toContain('<td>usa-ca</td><td>3</td><td>2</td>');
    expect(html).toContain('Demo &lt;election&gt; &amp; &quot;vote&quot;');
    expect(html).not.toContain('<election>');
    expect(html).not.toMatch(/<script/i);
  });

  it('receipt lines fit the enclosure printer', () => {
    const byStyle = Array.from({ length: 30 }, (_, i) => ({
      style: `style-with-a-long-name-${i}`,
      checkins: i,
      ballots: i,
    }));
    const lines = reportReceiptLines(buildPollsReport({ ...base, kind: 'close', byStyle }));
    expect(lines.length).toBeLessThanOrEqual(RECEIPT_LIMITS.maxLines);
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(RECEIPT_LIMITS.maxLineBytes);
    expect(lines).toContain('(+6 more styles)');
  });
});
