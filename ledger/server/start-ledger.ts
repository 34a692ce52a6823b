/**
 * Starting a state ledger (DESIGN §6, §10 `ogas ledger serve`): check the election (election-context.ts),
 * open the storage and restore the tree, start the verify threads, the witness pusher and the HTTP
 * server. Used by the CLI, by tests, and by the kiosk demo (an embedded ledger):
 *
 *   const ledger = await startLedger({ packageText, trustText, logKey, db: ':memory:' });
 *   … fetch(`${ledger.url}/v1/checkpoint`) …
 *   await ledger.close();
 *
 * The server binds 127.0.0.1 and a free port unless told otherwise; `close()` stops everything it
 * started and closes the storage.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { err, ok, type Result } from '../../protocol/result';
import { PostgresStorage } from '../storage/postgres';
import { SqliteStorage } from '../storage/sqlite';
import { guardStorage, type LedgerStorage } from '../storage/types';
import { Appender } from './appender';
import { loadElectionContext, type ElectionContext } from './election-context';
import { createHandler } from './http-api';
import { LedgerTally } from './ledger-tally';
import { silentLogger, type LedgerLogger } from './ledger-logger';
import type { LogKey } from './log-key';
import { LogState } from './log-state';
import { RequestVerifier } from './request-verifier';
import { VerifyPool } from './verify-pool';
import { WitnessPusher, type WitnessPusherOptions, type WitnessStatus } from './witness-pusher';

export interface LedgerServerOptions {
  readonly context: ElectionContext;
  readonly storage: LedgerStorage;
  /** Default 127.0.0.1 (loopback only); a real deployment gives its address. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** C2SP tlog-witness base URLs (`<url>/add-checkpoint`). */
  readonly witnesses?: readonly string[];
  readonly witnessOptions?: WitnessPusherOptions;
  /** Milliseconds since the epoch; tests pass a settable clock for the windows and the drain. */
  readonly clock?: () => number;
  readonly logger?: LedgerLogger;
  /** Verify threads (default: one per core). */
  readonly verifyThreads?: number;
}

export interface RunningLedger {
  /** http://host:port, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly context: ElectionContext;
  readonly state: LogState;
  readonly witnesses: readonly WitnessStatus[];
  /** The verifier the threads use ('pqclean-native' or 'noble'). */
  readonly verifierName: string;
  /** Signs a fresh checkpoint of the current size (done by itself once the drain deadline passes). */
  refreshCheckpoint(): Promise<void>;
  close(): Promise<void>;
}

/** How often to look whether the drain deadline has passed (for a fresh, witnessed final checkpoint). */
const DEADLINE_POLL_MS = 5_000;

export async function startLedgerServer(options: LedgerServerOptions): Promise<RunningLedger> {
  const clock = options.clock ?? Date.now;
  const log = options.logger ?? silentLogger;
  const { context } = options;
  const storage = guardStorage(options.storage);
  let pool: VerifyPool | undefined;
  let server: Server | undefined;
  let pusher: WitnessPusher | undefined;
  try {
    const crypto = await VerifyPool.start(
      options.verifyThreads === undefined ? {} : { threads: options.verifyThreads },
    );
    pool = crypto;
    const secretKey = context.logKey.signer.secretKey;
    const state = new LogState(context, storage, clock, (message) =>
      crypto.signCheckpoint(secretKey, message),
    );
    await state.load();
    const witnesses = new WitnessPusher(state, options.witnesses ?? [], log, options.witnessOptions);
    pusher = witnesses;
    const appender = new Appender(state, clock, log, () => witnesses.notify());
    const handler = createHandler({
      state,
      appender,
      verifier: new RequestVerifier(state, pool, clock),
      tally: new LedgerTally(state),
      clock,
      log,
    });
    const http = createServer({ requestTimeout: 120_000, keepAliveTimeout: 10_000 }, handler);
    server = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    // After closes + drainHours nothing more can be appended: sign a fresh checkpoint then, so that
    // witnesses cosign one dated at or after the deadline (DESIGN §6 audit).
    const deadline = setInterval(() => {
      const latest = state.latest;
      if (latest && clock() >= context.drainEndMs && latest.timestamp * 1000 < context.drainEndMs) {
        appender.refreshCheckpoint().catch(() => {});
      }
    }, DEADLINE_POLL_MS);
    deadline.unref();
    witnesses.notify();

    const address = http.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    log({
      id: 'ledger.started',
      level: 'info',
      url,
      size: state.size,
      verifier: pool.verifierName,
      storage: storage.kind,
    });
    const running = pool;
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      context,
      state,
      witnesses: witnesses.witnesses,
      verifierName: running.verifierName,
      refreshCheckpoint: () => appender.refreshCheckpoint(),
      close() {
        closing ??= (async () => {
          clearInterval(deadline);
          await new Promise<void>((resolve) => {
            http.close(() => resolve());
            http.closeAllConnections();
          });
          await appender.stop();
          await witnesses.stop();
          await running.close();
          await storage.close();
          log({ id: 'ledger.stopped', level: 'info' });
        })();
        return closing;
      },
    };
  } catch (e) {
    server?.close();
    await pusher?.stop();
    await pool?.close();
    await storage.close();
    throw e;
  }
}

export interface LedgerInputs {
  /** The election package file's text. */
  readonly packageText: string;
  /** The authority trust file's text `{keys, m}`. */
  readonly trustText: string;
  readonly logKey: LogKey;
  /** Roll JSON lines (roll mode). */
  readonly rollText?: string;
  /** SQLite file (default ':memory:', a throwaway log); ignored when `pg` is given. */
  readonly db?: string;
  /** PostgreSQL URL instead of SQLite. */
  readonly pg?: string;
}

/** Checks the inputs and opens the storage they name; the error lists why the ledger cannot start. */
export function openLedgerInputs(
  inputs: LedgerInputs,
): Result<{ context: ElectionContext; storage: LedgerStorage }, string[]> {
  const context = loadElectionContext({
    packageText: inputs.packageText,
    trustText: inputs.trustText,
    logKey: inputs.logKey,
    ...(inputs.rollText === undefined ? {} : { rollText: inputs.rollText }),
  });
  if (!context.ok) return err(context.error);
  const storage =
    inputs.pg !== undefined ? new PostgresStorage(inputs.pg) : new SqliteStorage(inputs.db ?? ':memory:');
  return ok({ context: context.value, storage });
}

/** `openLedgerInputs` then `startLedgerServer`; throws with every reason when the inputs are refused. */
export async function startLedger(
  options: LedgerInputs & Omit<LedgerServerOptions, 'context' | 'storage'>,
): Promise<RunningLedger> {
  const opened = openLedgerInputs(options);
  if (!opened.ok) throw new Error(`the ledger cannot start:\n  ${opened.error.join('\n  ')}`);
  return startLedgerServer({ ...options, ...opened.value });
}
