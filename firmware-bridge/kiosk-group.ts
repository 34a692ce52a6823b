/**
 * Host side of the kiosk group (64, kiosk-protocol.ts, README "Kiosk group"): typed calls whose
 * answers are parsed by the group's schemas.
 */
import { err, ok, type Result } from '../protocol/result';
import {
  KIOSK_CMD,
  KIOSK_GROUP,
  eventsResponseSchema,
  printResponseSchema,
  receiptProblem,
  statusResponseSchema,
  type KioskEventType,
  type LidState,
  type LightColour,
  type LightPattern,
  type PowerSource,
  type PrinterState,
} from './kiosk-protocol';
import { parseAnswer } from './mcumgr-commands';
import type { SmpClient, SmpFailure } from './smp-client';

export interface KioskStatus {
  readonly lid: LidState;
  /** Lid openings the controller has counted (kept across its resets). */
  readonly tamperCount: number;
  readonly power: PowerSource;
  readonly batteryPercent: number;
  readonly charging: boolean;
  readonly printer: PrinterState;
  readonly light: StatusLight;
  /** Changes at every controller start. */
  readonly bootId: number;
  readonly lastEventSeq: number;
}

export interface StatusLight {
  readonly colour: LightColour;
  readonly pattern: LightPattern;
}

export interface Receipt {
  readonly lines: readonly string[];
  /** Text the printer renders as a QR code (e.g. the ballot tracking code or a verification URL). */
  readonly qr?: string;
}

export interface DeviceEvent {
  readonly seq: number;
  readonly type: KioskEventType;
  /** Controller uptime in milliseconds when it happened. */
  readonly uptimeMs: number;
}

export interface EventBatch {
  readonly bootId: number;
  readonly events: readonly DeviceEvent[];
  readonly last: number;
  readonly lost: number;
}

export async function kioskStatus(client: SmpClient): Promise<Result<KioskStatus, SmpFailure>> {
  const r = await client.request({ op: 'read', group: KIOSK_GROUP, id: KIOSK_CMD.status });
  if (!r.ok) return r;
  const p = parseAnswer(statusResponseSchema, r.value, KIOSK_GROUP, KIOSK_CMD.status);
  if (!p.ok) return p;
  const s = p.value;
  return ok({
    lid: s.lid,
    tamperCount: s.tamper,
    power: s.power,
    batteryPercent: s.battery,
    charging: s.charging,
    printer: s.printer,
    light: { colour: s.colour, pattern: s.pattern },
    bootId: s.boot,
    lastEventSeq: s.evseq,
  });
}

/**
 * Prints a receipt. `job` identifies it: the controller prints a job once, so a request resent after a
 * lost answer cannot print a second copy (the answer then says `duplicate`). The controller answers
 * when it has accepted the job, not when the paper is out, so the usual timeout applies.
 */
export async function printReceipt(
  client: SmpClient,
  job: number,
  receipt: Receipt,
): Promise<Result<{ readonly job: number; readonly duplicate: boolean }, SmpFailure>> {
  const problem = receiptProblem(receipt.lines, receipt.qr);
  if (problem !== null)
    return err({
      kind: 'device-error',
      group: KIOSK_GROUP,
      rc: 6,
      name: 'RECEIPT_TOO_LARGE',
      message: problem,
    });
  const body =
    receipt.qr === undefined
      ? { job, lines: [...receipt.lines] }
      : { job, lines: [...receipt.lines], qr: receipt.qr };
  const r = await client.request({
    op: 'write',
    group: KIOSK_GROUP,
    id: KIOSK_CMD.print,
    body,
  });
  if (!r.ok) return r;
  const p = parseAnswer(printResponseSchema, r.value, KIOSK_GROUP, KIOSK_CMD.print);
  if (!p.ok) return p;
  if (p.value.job !== job)
    return err({
      kind: 'bad-response',
      message: `the controller answered print job ${job} with job ${p.value.job}`,
    });
  return ok({ job, duplicate: p.value.dup ?? false });
}

export async function setStatusLight(
  client: SmpClient,
  light: StatusLight,
): Promise<Result<void, SmpFailure>> {
  const r = await client.request({
    op: 'write',
    group: KIOSK_GROUP,
    id: KIOSK_CMD.light,
    body: { colour: light.colour, pattern: light.pattern },
  });
  return r.ok ? ok(undefined) : r;
}

export async function readEvents(
  client: SmpClient,
  after: number,
  max?: number,
): Promise<Result<EventBatch, SmpFailure>> {
  const body = max === undefined ? { after } : { after, max };
  const r = await client.request({ op: 'read', group: KIOSK_GROUP, id: KIOSK_CMD.events, body });
  if (!r.ok) return r;
  const p = parseAnswer(eventsResponseSchema, r.value, KIOSK_GROUP, KIOSK_CMD.events);
  if (!p.ok) return p;
  const events = p.value.events.map((e) => ({ seq: e.seq, type: e.type, uptimeMs: e.ms }));
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.seq <= (i === 0 ? after : events[i - 1]!.seq) || e.seq > p.value.last)
      return err({ kind: 'bad-response', message: `kiosk events are out of order at seq ${e.seq}` });
  }
  return ok({ bootId: p.value.boot, events, last: p.value.last, lost: p.value.lost });
}
