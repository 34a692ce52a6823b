/**
 * `ogas kiosk --demo` (what `npm start` runs): the demo election (made on first start), an embedded
 * ledger on SQLite with the election's two witnesses in-process, a kiosk on emulated devices, its RPC
 * server and UI, and the official's provisioning played at first start, so a visitor can vote within a
 * minute.
 *
 * The demo keeps its state across restarts like a real kiosk (demo-state.ts): store, event log, ledger
 * database and witness state stay in the data folder, and the emulated HSM keeps its key in a key file,
 * so a restarted demo kiosk comes back with its polls, ballots and queue, LOCKED until an election
 * official enters the HSM PIN (DESIGN §8). `fresh` starts over (the election folder is kept).
 */
import { err, ok, type Result } from '../../protocol/result';
import { createHandlers } from '../rpc/handlers';
import type { RunningRpcServer } from '../rpc/server';
import { autoProvision } from './auto-provision';
import { ensureDemoElection, type DemoElectionFolder } from './demo-election';
import { DemoLedger } from './demo-ledger';
import {
  checkProvisionedState,
  checkSameElection,
  demoPaths,
  FRESH_HINT,
  readKeptState,
  wipeDemoState,
  withFreshHint,
  writeDemoState,
} from './demo-state';
import { DEMO_HSM_PIN, startEmulatedKiosk, type EmulatedKiosk } from './emulated-kiosk';
import { startKioskServer } from './kiosk-server';

/** The demo's address when the port is free: http://127.0.0.1:8787/. */
export const DEMO_PORT = 8787;

export interface DemoOptions {
  readonly dataDir: string;
  readonly port?: number;
  readonly version: string;
  /** Skip the official's flow at start (tests of provisioning through the UI). */
  readonly provision?: boolean;
  readonly staticRoot?: string | null;
  readonly onLog?: (line: string) => void;
  /** Forget the kiosk, ledger and witness state of earlier runs first (`--fresh`); the election is kept. */
  readonly fresh?: boolean;
}

export interface RunningDemo {
  /** The address to open, with the one-time token in its fragment. */
  readonly openUrl: string;
  readonly server: RunningRpcServer;
  readonly kiosk: EmulatedKiosk;
  readonly ledger: DemoLedger;
  readonly election: DemoElectionFolder;
  readonly dataDir: string;
  /** The kiosk came back provisioned from an earlier run (and is locked until the HSM PIN). */
  readonly resumed: boolean;
  readonly steps: readonly string[];
  close(): Promise<void>;
}

export async function startDemo(o: DemoOptions): Promise<Result<RunningDemo, string>> {
  const paths = demoPaths(o.dataDir);
  if (o.fresh) await wipeDemoState(paths);
  const state = await readKeptState(paths);
  if (!state.ok) return state;
  const kept = state.value;
  const { folder, created } = await ensureDemoElection(paths.electionDir, new Date());
  const same = checkSameElection(paths, kept, folder, created);
  if (!same.ok) return same;
  // Nothing kept (first start, or after --fresh): the state about to be made is this election's.
  if (!kept.kept) await writeDemoState(paths, folder.index.electionId);
  let ledger: DemoLedger;
  try {
    ledger = await DemoLedger.start(folder, { dataDir: paths.ledgerDir });
  } catch (e) {
    return err(withFreshHint(`the embedded ledger did not start: ${(e as Error).message}`, kept));
  }
  const started = await startEmulatedKiosk({
    dataDir: paths.kioskDir,
    election: folder,
    ledgerUrl: ledger.url,
    ledger,
    version: o.version,
    hsmKeyFile: paths.hsmKeyFile,
    ...(o.onLog ? { onLog: o.onLog } : {}),
  });
  if (!started.ok) {
    await ledger.close();
    return err(withFreshHint(`the demo kiosk did not start: ${started.error}`, kept));
  }
  const kiosk = started.value;
  // A kiosk provisioned in an earlier run comes back locked (DESIGN §8): it needs its HSM key and the
  // ledger it is enrolled with, and is left for an official to unlock.
  const resumed = kiosk.kiosk.ctx.store.kiosk.get() !== undefined;
  const usable = resumed ? checkProvisionedState(paths, kept, kiosk.hsm.hasSealingKey()) : ok(undefined);
  if (!usable.ok) {
    await kiosk.close();
    await ledger.close();
    return usable;
  }
  let server: RunningRpcServer;
  const listen = (port: number) =>
    startKioskServer(kiosk.kiosk, kiosk.dock, {
      port,
      ...(o.staticRoot === undefined ? {} : { staticRoot: o.staticRoot }),
    });
  try {
    // A stable address for people (DEMO_PORT), any free port when it is taken and none was asked for.
    server = await listen(o.port ?? DEMO_PORT).catch((e: NodeJS.ErrnoException) => {
      if (o.port === undefined && e.code === 'EADDRINUSE') return listen(0);
      throw e;
    });
  } catch (e) {
    await kiosk.close();
    await ledger.close();
    return err(`the kiosk server could not listen on port ${o.port ?? DEMO_PORT}: ${(e as Error).message}`);
  }
  const close = async () => {
    await server.close();
    await kiosk.close();
    await ledger.close();
  };
  let steps: string[] = [];
  if (!resumed && o.provision !== false) {
    const provisioned = await autoProvision({
      kiosk: kiosk.kiosk,
      dock: kiosk.dock,
      handlers: createHandlers(kiosk.kiosk, kiosk.dock),
      electionDir: folder.dir,
      officialLabel: 'official-1',
      hsmPin: DEMO_HSM_PIN,
    });
    if (!provisioned.ok) {
      await close();
      return err(`the demo kiosk could not be provisioned: ${provisioned.error}`);
    }
    steps = provisioned.value;
  }
  return ok({
    openUrl: `${server.url}/#token=${server.token}`,
    server,
    kiosk,
    ledger,
    election: folder,
    dataDir: o.dataDir,
    resumed,
    steps,
    close,
  });
}

/** What a restarted demo kiosk kept, and how an official unlocks it. */
function resumedLines(
  demo: RunningDemo,
  official: { label: string; pin: string } | undefined,
  hsmPin: string,
) {
  const status = demo.kiosk.kiosk.status();
  const lines = [
    `  Kept from the last run (${demo.dataDir}): the kiosk, the ledger and its witnesses.`,
    `  Polls ${status.polls}; ${status.counts.checkins} check-in(s) and ${status.counts.ballots} ballot(s) ` +
      `cast at this kiosk, ${status.ledger.ballotsWaiting} waiting for the ledger.`,
  ];
  if (status.locked && status.polls !== 'closed') {
    lines.push(
      '  The kiosk is LOCKED, as a real kiosk is after a restart: no voter can start until an election',
      '  official enters the HSM PIN, which unseals the kiosk key.',
      official
        ? `  To unlock: in the dev dock insert "${official.label}", enter its PIN ${official.pin}, then enter the HSM PIN ${hsmPin}.`
        : `  To unlock: sign in with an official card, then enter the HSM PIN ${hsmPin}.`,
    );
  }
  if (status.polls === 'closed') lines.push('  Polls are closed at this kiosk.');
  lines.push(`  ${FRESH_HINT}`);
  return lines;
}

/** The lines `ogas kiosk --demo` prints: where to go and what to try. */
export async function demoInstructions(demo: RunningDemo): Promise<string[]> {
  const f = await demo.kiosk.dock.fixtures();
  const official = f.cards.find((c) => c.role === 'official');
  const lines = [
    'OGAS Kiosk demo is running (emulated card reader, ID scanner, HSM and enclosure controller).',
    '',
    `  Open:    ${demo.openUrl}`,
    `  Ledger:  ${demo.ledger.url} (embedded, SQLite; witnesses ${demo.ledger.witnesses.map((w) => w.url).join(', ')})`,
    `  Data:    ${demo.election.dir} (the demo election; README.txt explains every file)`,
    '',
    ...(demo.resumed
      ? resumedLines(demo, official, f.hsmPin)
      : [
          ...demo.steps.map((s) => `  ready: ${s}`),
          '  Stopped and started again, the kiosk keeps its state and comes back locked until an official',
          `  enters the HSM PIN; --fresh starts over (new kiosk and ledger, same election).`,
        ]),
    '',
    'Use the dev dock on the page to insert a card or scan a passport. Cards (PIN in brackets):',
    ...f.cards.map((c) => `  ${c.label.padEnd(22)} [${c.pin}]  ${c.description}`),
    'Passports:',
    ...f.documents.map((d) => `  ${d.name.padEnd(22)}  ${d.description}`),
    `HSM PIN (officials: create or unlock the kiosk key): ${f.hsmPin}`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines;
}
