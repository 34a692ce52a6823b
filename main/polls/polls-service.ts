/**
 * Polls at this kiosk, with the I/O at the edge (issue 6 "Polls"): the machine (polls-machine.ts)
 * decides, the queue signs and chains the polls event (DESIGN §5), the report is built and kept, and
 * each step is logged. Opening requires a zero report that is zero; closing builds the final batch and
 * the close event, then drops the kiosk key and locks the HSM (nothing more may be signed).
 */
import { toBase64, toHex } from '../../protocol/bytes';
import { leafHash } from '../../protocol/merkle/hash';
import type { PollsEvent } from '../../protocol/entries';
import { err, ok, type Result } from '../../protocol/result';
import type { KioskContext } from '../kiosk/kiosk-context';
import type { ProvisioningService } from '../provisioning/provisioning-service';
import type { StoredCheckpoint, StoredChainEntry } from '../store';
import type { CheckpointView, PollsState, PollsView, ReportDocument, RpcError, StyleCount } from '../rpc/api';
import { pollsStateOf, pollsTransition, type PollsCommand } from './polls-machine';
import { buildPollsReport, isZero, reportHtml, reportReceiptLines } from './polls-report';

const LOG_ID = {
  open: 'polls-opened',
  pause: 'polls-paused',
  resume: 'polls-resumed',
  close: 'polls-closed',
} as const;

/** The checkpoint as the screen and the reports show it (DESIGN §6 note: cosignature lines after the log's). */
export function checkpointView(cp: StoredCheckpoint | undefined, origin: string): CheckpointView | null {
  if (!cp) return null;
  const signatures = cp.note.split('\n').filter((l) => l.startsWith('\u2014 ')).length;
  return {
    origin,
    size: cp.size,
    rootHash: toBase64(cp.root),
    cosignatures: Math.max(0, signatures - 1),
    verifiedAt: cp.verifiedAt,
  };
}

export class PollsService {
  private readonly reports = new Map<'zero' | 'close', ReportDocument>();

  constructor(
    private readonly ctx: KioskContext,
    private readonly provisioning: ProvisioningService,
  ) {}

  state(): PollsState {
    return pollsStateOf(
      this.ctx.store.kiosk.get() ? this.ctx.store.chain.lastPollsEvent()?.event : undefined,
    );
  }

  async command(command: PollsCommand): Promise<Result<PollsView, RpcError>> {
    const { ctx } = this;
    const election = ctx.election;
    const outcome = pollsTransition(this.state(), command, {
      provisioning: this.provisioning.step(),
      unlocked: ctx.keys !== null,
      voterSessionActive: ctx.voterSessionActive,
      now: ctx.now(),
      closesMs: election ? Date.parse(election.package.window.closes) : 0,
    });
    if (!outcome.ok) {
      ctx.log.event(LOG_ID[command], 'failure', outcome.message, { user: 'official' });
      return err({ code: 'wrong-state', message: outcome.message });
    }
    const queue = ctx.queue!;
    if (command === 'open') {
      const counts = queue.chain.counts();
      if (counts.checkins !== 0 || counts.ballots !== 0) {
        const message = `This kiosk already holds ${counts.checkins} check-in(s) and ${counts.ballots} ballot(s): the zero report is not zero. Do not open polls; unconfigure and provision again.`;
        ctx.log.event('polls-opened', 'failure', message, { user: 'official', details: counts });
        return err({ code: 'wrong-state', message });
      }
    }
    let entry: StoredChainEntry;
    let byStyle: StyleCount[];
    if (command === 'close') {
      const closed = await queue.closePolls();
      if (!closed.ok) {
        const ledger = closed.error.kind === 'unreachable' || closed.error.kind === 'alarm';
        return this.failed(command, closed.error.message, ledger ? 'ledger-unreachable' : 'wrong-state');
      }
      entry = ctx.store.chain.get(closed.value.closeSeq)!;
      byStyle = [...closed.value.byStyle];
    } else {
      const built = await queue.pollsEvent(command);
      if (!built.ok) return this.failed(command, built.error.message);
      entry = built.value;
      byStyle = command === 'open' ? this.zeroStyles() : queue.chain.byStyle();
    }
    const counts = queue.chain.counts();
    ctx.log.event(LOG_ID[command], 'success', `Polls ${command} (seq ${entry.seq}).`, {
      user: 'official',
      details: { seq: entry.seq, entryHash: toHex(leafHash(entry.leaf)), ...counts },
    });
    let report: ReportDocument | null = null;
    if (command === 'open' || command === 'close') {
      report = this.makeReport(command === 'open' ? 'zero' : 'close', entry, byStyle);
      this.reports.set(report.report.kind, report);
    }
    if (command === 'close') await this.provisioning.lock();
    ctx.changed();
    return ok({ polls: this.state(), report });
  }

  private failed(
    command: PollsEvent,
    message: string,
    code: RpcError['code'] = 'wrong-state',
  ): Result<PollsView, RpcError> {
    this.ctx.log.event(LOG_ID[command], 'failure', message.slice(0, 500), { user: 'official' });
    return err({ code, message });
  }

  private zeroStyles(): StyleCount[] {
    return (this.ctx.election?.package.ballotStyles ?? []).map((s) => ({
      style: s.id,
      checkins: 0,
      ballots: 0,
    }));
  }

  private makeReport(kind: 'zero' | 'close', entry: StoredChainEntry, byStyle: StyleCount[]): ReportDocument {
    const { ctx } = this;
    const election = ctx.election!;
    const status = ctx.queue!.status();
    const report = buildPollsReport({
      kind,
      electionId: election.electionId,
      electionTitle: election.package.title,
      kioskId: ctx.store.kiosk.get()!.kioskId,
      generatedAt: new Date(ctx.now()),
      byStyle,
      pollsEntry: {
        seq: entry.seq,
        leafHash: toHex(leafHash(entry.leaf)),
        acknowledged: entry.state !== 'built',
      },
      ballotsWaiting: status.ballotsWaiting,
      lastAcknowledgedCheckpoint: checkpointView(
        ctx.store.checkpoints.get('witnessed'),
        election.package.ledger.origin,
      ),
    });
    return { report, html: reportHtml(report, election.package.title) };
  }

  /** The zero or close report, rebuilt from the store when it is not in memory (after a restart). */
  report(kind: 'zero' | 'close'): Result<ReportDocument, RpcError> {
    const { ctx } = this;
    const queue = ctx.queue;
    if (!queue) return err({ code: 'wrong-state', message: 'This kiosk is not provisioned.' });
    const entries = ctx.store.chain.all().filter((e) => e.kind === 'polls');
    if (kind === 'zero') {
      const open = entries.find((e) => e.event === 'open');
      if (!open)
        return err({ code: 'wrong-state', message: 'Polls were never opened: there is no zero report.' });
      const fresh = ctx.store.chain.get(open.seq)!;
      const doc = this.makeReport('zero', fresh, this.zeroStyles());
      const kept = this.reports.get('zero');
      return ok(
        kept && isZero(kept.report)
          ? { ...doc, report: { ...doc.report, generatedAt: kept.report.generatedAt } }
          : doc,
      );
    }
    if (this.state() !== 'closed')
      return err({ code: 'wrong-state', message: 'Polls are not closed: there is no close report yet.' });
    const kept = this.reports.get('close');
    if (kept) return ok(kept);
    // After a restart: the close event and the counts are in the store (no ledger needed).
    const close = [...entries].reverse().find((e) => e.event === 'close')!;
    return ok(this.makeReport('close', ctx.store.chain.get(close.seq)!, queue.chain.byStyle()));
  }

  async print(kind: 'zero' | 'close'): Promise<Result<{ printed: true }, RpcError>> {
    const { ctx } = this;
    const doc = this.report(kind);
    if (!doc.ok) return doc;
    const controller = ctx.deps.devices.controller;
    if (!controller)
      return err({
        code: 'device',
        message: 'This kiosk has no receipt printer: print the HTML report instead.',
      });
    const printed = await controller.printReceipt({ lines: reportReceiptLines(doc.value.report) });
    if (!printed.ok) {
      ctx.log.event('report-printed', 'failure', printed.error.message.slice(0, 500), {
        details: { reason: kind },
      });
      return err({ code: 'device', message: `The report could not be printed: ${printed.error.message}` });
    }
    ctx.log.event('report-printed', 'success', `The ${kind} report was printed.`, {
      details: { reason: kind },
    });
    return ok({ printed: true });
  }
}
