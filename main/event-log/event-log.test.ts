import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportEventLogCdf } from './cdf-export';
import { EVENTS, type EventId } from './event-ids';
import { EventLog } from './event-log';
import { GENESIS_PREV, makeRecord, verifyChain, type EventInput } from './event-record';

// NIST SP 1500-101 JSON schema (usnistgov/ElectionEventLogging), transcribed: additionalProperties false.
const CdfEventSchema = z.strictObject({
  '@type': z.literal('EventLogging.Event'),
  Description: z.string().optional(),
  Details: z.string().optional(),
  Disposition: z.enum(['failure', 'na', 'other', 'success']),
  Hash: z.string().optional(),
  Id: z.string(),
  OtherDisposition: z.string().optional(),
  Sequence: z.string(),
  Severity: z.string().optional(),
  TimeStamp: z.iso.datetime(),
  Type: z.string(),
  UserId: z.string().optional(),
});
const CdfSchema = z.strictObject({
  '@type': z.literal('EventLogging.ElectionEventLog'),
  Details: z.string().optional(),
  ElectionId: z.string().optional(),
  GeneratedTime: z.iso.datetime(),
  Device: z.array(
    z.strictObject({
      '@type': z.literal('EventLogging.Device'),
      Details: z.string().optional(),
      Event: z.array(CdfEventSchema),
      HashType: z.enum(['md6', 'other', 'sha-256', 'sha-512']).optional(),
      Id: z.string(),
      Manufacturer: z.string().optional(),
      Model: z.string().optional(),
      OtherHashType: z.string().optional(),
      OtherType: z.string().optional(),
      Type: z.enum([
        'adjudication',
        'ballot-activation',
        'ballot-marking',
        'ballot-printing',
        'blank-ballot-printing',
        'dre',
        'dre-controller',
        'electronic-cast',
        'electronic-cast-paper',
        'electronic-poll-book',
        'ems',
        'other',
        'scan-batch',
        'scan-single',
        'transmission-receiving',
        'transmission-sending',
      ]),
      Version: z.string().optional(),
    }),
  ),
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-eventlog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const device = { id: 'kiosk-test', version: '0.1.0' };

function sample(log: EventLog): void {
  log.event('kiosk-started', 'success', 'Kiosk started');
  log.event('card-authenticated', 'success', 'Official signed in', {
    user: 'official',
    details: { role: 'official' },
  });
  log.event('polls-opened', 'success', 'Polls opened', {
    user: 'official',
    details: { seq: 1, checkins: 0, ballots: 0 },
  });
  log.event('voter-ineligible', 'failure', 'Voter not in the sample', {
    details: { reason: 'not-in-sample' },
  });
}

describe('event log', () => {
  it('chains records: each holds the hash of the one before, and the chain verifies', () => {
    const log = new EventLog(join(dir, 'events.db'));
    sample(log);
    const texts = log.texts();
    expect(texts).toHaveLength(4);
    const records = texts.map((t) => JSON.parse(t) as { seq: number; prev: string; hash: string });
    expect(records[0]!.prev).toBe(GENESIS_PREV);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prev).toBe(records[i - 1]!.hash);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(log.verify()).toMatchObject({ valid: true, firstBroken: null, records: 4 });
    log.close();
  });

  it('continues the chain after a restart', () => {
    const path = join(dir, 'events.db');
    const a = new EventLog(path);
    sample(a);
    a.close();
    const b = new EventLog(path);
    const r = b.event('kiosk-stopped', 'success', 'stopped');
    expect(r.seq).toBe(5);
    expect(b.verify().valid).toBe(true);
    b.close();
  });

  it('refuses UPDATE and DELETE (append-only triggers)', () => {
    const path = join(dir, 'events.db');
    const log = new EventLog(path);
    sample(log);
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE event_log SET record = '{}' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare('DELETE FROM event_log WHERE seq = 4').run()).toThrow(/append-only/);
    raw.close();
    expect(log.verify().valid).toBe(true);
    log.close();
  });

  it('reports a record changed by hand (triggers dropped) at its index, in verify and in the export', () => {
    const path = join(dir, 'events.db');
    const log = new EventLog(path);
    sample(log);
    const raw = new Database(path);
    raw.exec('DROP TRIGGER event_log_no_update');
    const text = raw.prepare('SELECT record FROM event_log WHERE seq = 3').get() as { record: string };
    raw
      .prepare('UPDATE event_log SET record = ? WHERE seq = 3')
      .run(text.record.replace('Polls opened', 'Polls opened late'));
    raw.close();
    const verdict = log.verify();
    expect(verdict).toMatchObject({ valid: false, firstBroken: 2 });
    expect(verdict.message).toMatch(/record 3/);
    const { cdf } = exportEventLogCdf(log.texts(), device, { generatedAt: new Date() });
    expect(JSON.parse(cdf.Details)).toMatchObject({ chainValid: false, firstBroken: 2 });
    const events = cdf.Device[0]!.Event;
    expect(events).toHaveLength(4);
    expect(events.map((e) => e.Severity)).toEqual([undefined, undefined, 'unverified', 'unverified']);
    log.close();
  });

  it('reports a removed record (gap) and a record that no longer parses, exporting its raw text', () => {
    const records = [1, 2, 3].map((i) => i);
    let prev = GENESIS_PREV;
    const texts = records.map((i) => {
      const r = makeRecord(
        { eventId: 'kiosk-started', disposition: 'success', message: `boot ${i}` },
        i,
        new Date(0).toISOString(),
        prev,
      );
      prev = r.hash;
      return JSON.stringify(r);
    });
    expect(verifyChain([texts[0]!, texts[2]!])).toMatchObject({ valid: false, firstBroken: 1 });
    const mangled = [texts[0]!, '{not json', texts[2]!];
    expect(verifyChain(mangled)).toMatchObject({ valid: false, firstBroken: 1 });
    const { cdf } = exportEventLogCdf(mangled, device, { generatedAt: new Date() });
    expect(cdf.Device[0]!.Event[1]).toMatchObject({
      Id: 'unreadable-record',
      Details: '{not json',
      Disposition: 'other',
    });
    expect(CdfSchema.safeParse(cdf).success).toBe(true);
  });

  it('exports NIST SP 1500-101 JSON that the CDF schema accepts, with the declared types', () => {
    const log = new EventLog(join(dir, 'events.db'));
    sample(log);
    const { cdf, verdict } = exportEventLogCdf(log.texts(), device, {
      generatedAt: new Date(),
      electionId: 'a'.repeat(64),
    });
    expect(verdict.valid).toBe(true);
    const parsed = CdfSchema.safeParse(JSON.parse(JSON.stringify(cdf)));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const events = cdf.Device[0]!.Event;
    expect(events.map((e) => e.Id)).toEqual([
      'kiosk-started',
      'card-authenticated',
      'polls-opened',
      'voter-ineligible',
    ]);
    expect(events[1]).toMatchObject({ Type: 'user-action', UserId: 'official', Disposition: 'success' });
    expect(events[3]).toMatchObject({ Type: 'voter', Disposition: 'failure' });
    expect(cdf.Device[0]!.HashType).toBe('sha-256');
    log.close();
  });
});

describe('declarations and privacy guard', () => {
  const input = (over: Partial<EventInput> & Record<string, unknown>): EventInput => ({
    eventId: 'checkin.acknowledged',
    disposition: 'success',
    message: 'ok',
    ...over,
  });
  const table: [string, EventInput, RegExp][] = [
    [
      'undeclared disposition',
      input({ eventId: 'kiosk-started', disposition: 'failure' }),
      /may not have disposition/,
    ],
    ['undeclared id', input({ eventId: 'no-such-event' as EventId }), /not declared/],
    ['a voterRef detail', input({ details: { voterRef: 'a'.repeat(64) } as never }), /details refused/],
    ['a tracker detail', input({ details: { tracker: '00'.repeat(16) } as never }), /details refused/],
    ['a name detail', input({ details: { name: 'Ada Lovelace' } as never }), /details refused/],
    ['a PIN detail', input({ details: { pin: '123456' } as never }), /details refused/],
    [
      'free text as a reason code',
      input({ details: { reason: 'Ada Lovelace, P1234567' } }),
      /short lowercase code/,
    ],
    ['a long message', input({ message: 'x'.repeat(501) }), /over 500/],
  ];
  it.each(table)('throws on %s', (_name, bad, why) => {
    expect(() => makeRecord(bad, 1, new Date().toISOString(), GENESIS_PREV)).toThrow(why);
  });

  it('every declared event has at least one disposition and a description', () => {
    for (const [id, d] of Object.entries(EVENTS)) {
      expect(d.dispositions.length, id).toBeGreaterThan(0);
      expect(d.description.length, id).toBeGreaterThan(10);
    }
  });
});

describe('chain property', () => {
  const ids = Object.keys(EVENTS) as EventId[];
  const arbInput = fc.constantFrom(...ids).chain((eventId) =>
    fc.record({
      eventId: fc.constant(eventId),
      disposition: fc.constantFrom(...EVENTS[eventId].dispositions),
      message: fc.string({ maxLength: 40 }),
      details: fc.record({ count: fc.nat(1000) }, { requiredKeys: [] }),
    }),
  );

  it('any chain verifies, and changing any one character of any record breaks it exactly at that record', () => {
    fc.assert(
      fc.property(
        fc.array(arbInput, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        (inputs, pick, pos) => {
          let prev = GENESIS_PREV;
          const texts = inputs.map((inp, i) => {
            const r = makeRecord(inp, i + 1, new Date(i * 1000).toISOString(), prev);
            prev = r.hash;
            return JSON.stringify(r);
          });
          expect(verifyChain(texts).valid).toBe(true);
          const i = pick % texts.length;
          const t = texts[i]!;
          const j = pos % t.length;
          const changed = t.slice(0, j) + (t[j] === 'a' ? 'b' : 'a') + t.slice(j + 1);
          const mutated = [...texts];
          mutated[i] = changed;
          const verdict = verifyChain(mutated);
          expect(verdict.valid).toBe(false);
          expect(verdict.firstBroken).not.toBeNull();
          expect(verdict.firstBroken).toBe(i);
        },
      ),
      { numRuns: 300 },
    );
  });
});
