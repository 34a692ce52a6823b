/**
 * The kiosk backend, composed (DESIGN §2): auth on the card reader, provisioning, polls and the voter
 * session over one context, device alarms, and a one-second tick for timeouts. The RPC layer
 * (main/rpc/handlers.ts) calls into this; `ogas kiosk` (main/kiosk/run-kiosk.ts) builds it from real or
 * emulated devices.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PinAttemptTracker, type PinAttemptStore } from '../../drivers/pkcs11/pin-attempts';
import type { DeviceDiagnostics } from '../../drivers/diagnostics';
import { err, ok, type Result } from '../../protocol/result';
import { KioskAuth } from '../auth/kiosk-auth';
import { exportEventLogCdf } from '../event-log/cdf-export';
import { PollsService, checkpointView } from '../polls/polls-service';
import { ProvisioningService } from '../provisioning/provisioning-service';
import type { Store } from '../store';
import type {
  Alarm,
  DiagnosticsView,
  EventLogCheck,
  KioskStatus,
  LedgerView,
  LogExport,
  RpcError,
} from '../rpc/api';
import { SessionService } from '../session/session-service';
import { AlarmMonitor } from './alarm-monitor';
import { KioskContext, type KioskDeps } from './kiosk-context';

/** The kiosk's PIN-failure counts live in its store (main/store pin_failures), keyed by card HMAC. */
export function storePinAttempts(store: Store): PinAttemptStore {
  return {
    get: (key) => {
      const r = store.pinFailures.get(key);
      return Promise.resolve(
        r.failures === 0
          ? null
          : { failures: r.failures, lockedUntil: r.lockedUntilMs ?? null, lastFailureAt: 0 },
      );
    },
    put: (key, record) => {
      store.pinFailures.set(key, {
        failures: record.failures,
        lockedUntilMs: record.lockedUntil ?? undefined,
      });
      return Promise.resolve();
    },
    erase: (key) => {
      store.pinFailures.clear(key);
      return Promise.resolve();
    },
  };
}

const TICK_MS = 1_000;

export class Kiosk {
  readonly ctx: KioskContext;
  readonly provisioning: ProvisioningService;
  readonly polls: PollsService;
  readonly session: SessionService;
  readonly alarms: AlarmMonitor;
  private timer: NodeJS.Timeout | null = null;
  private ledgerWasReachable: boolean | null = null;
  private readonly stops: (() => void)[] = [];

  private constructor(readonly deps: KioskDeps) {
    let ctx: KioskContext | null = null;
    const auth = new KioskAuth({
      reader: deps.devices.reader,
      trust: () => ctx?.election?.package.trust ?? { voters: [], officials: [...deps.officialsCa] },
      kioskId: () => ctx?.kioskIdOrMachine() ?? deps.machineId,
      attempts: new PinAttemptTracker(storePinAttempts(deps.store), { now: deps.clock }),
      attemptSecret: deps.attemptSecret,
      log: deps.eventLog,
      clock: deps.clock,
      onChange: () => ctx?.changed(),
    });
    ctx = new KioskContext(deps, auth);
    this.ctx = ctx;
    this.provisioning = new ProvisioningService(ctx);
    this.polls = new PollsService(ctx, this.provisioning);
    this.alarms = new AlarmMonitor(deps.eventLog, deps.clock, () => ctx.changed());
    this.session = new SessionService(ctx, { blocked: () => this.blockedReason() });
  }

  /** Restores a provisioned kiosk (locked), starts the devices and the tick. */
  static async start(deps: KioskDeps): Promise<Result<Kiosk, string>> {
    const kiosk = new Kiosk(deps);
    const restored = kiosk.provisioning.restore();
    if (!restored.ok) return err(restored.error);
    await kiosk.startDevices();
    kiosk.timer = setInterval(() => kiosk.tick(), TICK_MS);
    kiosk.timer.unref();
    deps.eventLog.event(
      'kiosk-started',
      'success',
      `Kiosk backend ${deps.version} started (${deps.mode} mode).`,
      {
        details: { kioskId: deps.store.kiosk.get()?.kioskId },
      },
    );
    return ok(kiosk);
  }

  private async startDevices(): Promise<void> {
    const { devices, eventLog } = this.deps;
    for (const scanner of devices.scanners) {
      this.alarms.watchScanner(scanner);
      this.stops.push(scanner.on('document', (scan) => this.session.onDocument(scan)));
      const started = await scanner.start();
      if (!started.ok) {
        this.alarms.raise('device-missing', scanner.id, `ID scanner: ${started.error}`);
        eventLog.event(
          'device-error',
          'failure',
          `ID scanner did not start: ${started.error}`.slice(0, 500),
          {
            details: { code: 'start' },
          },
        );
      }
    }
    const controller = devices.controller;
    if (controller) {
      this.alarms.watchController(controller);
      const connected = await controller.connect();
      if (!connected.ok) {
        this.alarms.raise(
          'device-missing',
          'controller',
          `Peripheral controller: ${connected.error.message}`,
        );
        eventLog.event('controller-link', 'failure', connected.error.message.slice(0, 500), {
          details: { device: 'controller' },
        });
      } else {
        const status = await controller.status();
        if (status.ok) this.alarms.applyControllerStatus(status.value);
      }
    }
    this.ctx.auth.start();
  }

  /** Why no voter session may start now, or null. */
  blockedReason(): string | null {
    const { ctx } = this;
    if (this.provisioning.step() !== 'ready') return 'This kiosk is not ready for voters yet.';
    const polls = this.polls.state();
    if (polls !== 'open')
      return polls === 'paused' ? 'Voting is paused at this kiosk.' : 'Polls are not open at this kiosk.';
    if (ctx.queue?.chain.isClosed()) return 'Polls are closing at this kiosk: its final batch is built.';
    if (!ctx.keys) return 'The kiosk is locked: an election official must enter the HSM PIN.';
    return this.alarms.blocking();
  }

  tick(): void {
    const now = this.ctx.now();
    this.session.tick(now);
    this.ctx.auth.tick(now);
    const reachable = this.ledgerView().reachable;
    if (reachable !== null && reachable !== this.ledgerWasReachable) {
      if (reachable) this.deps.eventLog.event('ledger-reachable', 'success', 'The ledger answers.');
      else this.deps.eventLog.event('ledger-unreachable', 'failure', 'The ledger does not answer.');
      this.ledgerWasReachable = reachable;
      this.ctx.changed();
    }
  }

  ledgerView(): LedgerView {
    const { ctx } = this;
    const queue = ctx.queue;
    if (!queue) {
      return {
        url: ctx.ledgerUrl(),
        reachable: null,
        lastError: null,
        ballotsWaiting: 0,
        chainedWaiting: 0,
        lastAcknowledgedCheckpoint: null,
      };
    }
    const s = queue.status();
    const lastOk = s.lastSeen?.verifiedAt;
    const failing = s.lastError !== undefined && (lastOk === undefined || s.lastError.at > lastOk);
    return {
      url: ctx.ledgerUrl(),
      reachable: s.lastError === undefined && lastOk === undefined ? null : !failing,
      lastError: failing ? (s.lastError?.message ?? null) : null,
      ballotsWaiting: s.ballotsWaiting,
      chainedWaiting: s.batchesInFlight,
      lastAcknowledgedCheckpoint: checkpointView(
        ctx.store.checkpoints.get('witnessed'),
        queue.election.package.ledger.origin,
      ),
    };
  }

  status(): KioskStatus {
    const { ctx } = this;
    const ledger = this.ledgerView();
    const provisioned = ctx.store.kiosk.get() !== undefined;
    const alarms: Alarm[] = this.alarms.list();
    const since = new Date(ctx.now()).toISOString();
    if (provisioned && !ctx.keys && this.polls.state() !== 'closed') {
      alarms.push({
        kind: 'hsm-locked',
        device: 'hsm',
        message: 'Locked: an election official must enter the HSM PIN.',
        since,
        blocking: true,
      });
    }
    if (ledger.reachable === false) {
      alarms.push({
        kind: 'ledger-unreachable',
        device: 'ledger',
        message: ledger.lastError ?? 'The ledger does not answer.',
        since,
        blocking: false,
      });
    }
    return {
      revision: ctx.currentRevision,
      mode: ctx.deps.mode,
      now: since,
      provisioning: this.provisioning.view(),
      polls: this.polls.state(),
      locked: provisioned && !ctx.keys,
      counts: ctx.queue ? ctx.queue.chain.counts() : { checkins: 0, ballots: 0 },
      ledger,
      alarms,
      card: ctx.auth.cardView(),
      staff: ctx.auth.staffView(),
      session: this.session.view(),
    };
  }

  eventLogCheck(): EventLogCheck {
    const v = this.deps.eventLog.verify();
    return { records: v.records, chainValid: v.valid, firstBroken: v.firstBroken, message: v.message };
  }

  async diagnostics(): Promise<DiagnosticsView> {
    const { devices } = this.deps;
    const reports: Promise<DeviceDiagnostics>[] = [
      devices.reader.diagnostics(),
      devices.hsm.diagnostics(),
      ...devices.scanners.map((s) => s.diagnostics()),
      ...(devices.controller ? [devices.controller.diagnostics()] : []),
    ];
    const list = await Promise.all(reports);
    this.deps.eventLog.event('diagnostics-run', 'success', `Diagnostics of ${list.length} device(s).`, {
      user: 'technician',
      details: { count: list.length },
    });
    return {
      devices: list.map((d) => ({ ...d, identity: d.identity ? { ...d.identity } : null })),
      ledger: this.ledgerView(),
      eventLog: this.eventLogCheck(),
    };
  }

  /** NIST SP 1500-101 export; to `path` (a folder or a .json file) or returned inline. */
  async exportEventLog(path: string | undefined): Promise<Result<LogExport, RpcError>> {
    const { eventLog, version } = this.deps;
    const now = new Date(this.ctx.now());
    const electionId = this.ctx.election?.electionId;
    const { cdf, verdict } = exportEventLogCdf(
      eventLog.texts(),
      { id: this.ctx.kioskIdOrMachine(), version },
      { generatedAt: now, ...(electionId ? { electionId } : {}) },
    );
    const check: EventLogCheck = {
      records: verdict.records,
      chainValid: verdict.valid,
      firstBroken: verdict.firstBroken,
      message: verdict.message,
    };
    let writtenTo: string | null = null;
    if (path !== undefined) {
      try {
        const isDir = await stat(path).then(
          (s) => s.isDirectory(),
          () => false,
        );
        writtenTo = isDir
          ? join(path, `ogas-event-log-${now.toISOString().replace(/[:.]/g, '-')}.json`)
          : path;
        if (!isDir) await mkdir(join(writtenTo, '..'), { recursive: true });
        await writeFile(writtenTo, `${JSON.stringify(cdf, null, 2)}\n`, { flag: 'wx', mode: 0o644 });
      } catch (e) {
        return err({
          code: 'io',
          message: `The event log could not be written to ${path}: ${(e as Error).message}`,
        });
      }
    }
    eventLog.event(
      'event-log-exported',
      verdict.valid ? 'success' : 'failure',
      verdict.message.slice(0, 500),
      {
        user: 'technician',
        details: { count: verdict.records, ...(writtenTo ? { path: writtenTo } : {}) },
      },
    );
    return ok({ check, writtenTo, cdf: writtenTo ? null : cdf });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const stop of this.stops) stop();
    this.alarms.close();
    this.ctx.wakeAll();
    await this.ctx.auth.close();
    await this.ctx.queue?.stop();
    const { devices, eventLog } = this.deps;
    for (const s of devices.scanners) await s.stop();
    await devices.controller?.close();
    await devices.reader.close();
    if (this.ctx.keys) this.ctx.keys.secretKey.fill(0);
    this.ctx.keys = null;
    await devices.hsm.close();
    eventLog.event('kiosk-stopped', 'success', 'Kiosk backend stopped.');
  }
}
