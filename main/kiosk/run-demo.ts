/**
 * `ogas kiosk --demo` (what `npm start` runs): the demo election (made on first start), an embedded
 * ledger on SQLite with the election's two witnesses in-process, a kiosk on emulated devices, its RPC
 * server and UI, and the official's provisioning played at start, so a visitor can vote within a
 * minute. Each start begins with a fresh kiosk and ledger (the emulated HSM's key lives in memory, so a
 * previous run's sealed kiosk key could not be opened again); the election folder is kept.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../protocol/result';
import { createHandlers } from '../rpc/handlers';
import type { RunningRpcServer } from '../rpc/server';
import { autoProvision } from './auto-provision';
import { ensureDemoElection, type DemoElectionFolder } from './demo-election';
import { DemoLedger } from './demo-ledger';
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
}

export interface RunningDemo {
  /** The address to open, with the one-time token in its fragment. */
  readonly openUrl: string;
  readonly server: RunningRpcServer;
  readonly kiosk: EmulatedKiosk;
  readonly ledger: DemoLedger;
  readonly election: DemoElectionFolder;
  readonly steps: readonly string[];
  close(): Promise<void>;
}

export async function startDemo(o: DemoOptions): Promise<Result<RunningDemo, string>> {
  const { folder } = await ensureDemoElection(join(o.dataDir, 'election'), new Date());
  // Fresh kiosk and ledger state on every start (see above).
  await rm(join(o.dataDir, 'kiosk'), { recursive: true, force: true });
  await rm(join(o.dataDir, 'ledger'), { recursive: true, force: true });
  let ledger: DemoLedger;
  try {
    ledger = await DemoLedger.start(folder, { dataDir: join(o.dataDir, 'ledger') });
  } catch (e) {
    return err(`the embedded ledger did not start: ${(e as Error).message}`);
  }
  const started = await startEmulatedKiosk({
    dataDir: join(o.dataDir, 'kiosk'),
    election: folder,
    ledgerUrl: ledger.url,
    ledger,
    version: o.version,
    ...(o.onLog ? { onLog: o.onLog } : {}),
  });
  if (!started.ok) {
    await ledger.close();
    return err(started.error);
  }
  const kiosk = started.value;
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
  if (o.provision !== false) {
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
    steps,
    close,
  });
}

/** The lines `ogas kiosk --demo` prints: where to go and what to try. */
export async function demoInstructions(demo: RunningDemo): Promise<string[]> {
  const f = await demo.kiosk.dock.fixtures();
  const lines = [
    'OGAS Kiosk demo is running (emulated card reader, ID scanner, HSM and enclosure controller).',
    '',
    `  Open:    ${demo.openUrl}`,
    `  Ledger:  ${demo.ledger.url} (embedded, SQLite; witnesses ${demo.ledger.witnesses.map((w) => w.url).join(', ')})`,
    `  Data:    ${demo.election.dir} (the demo election; README.txt explains every file)`,
    '',
    ...demo.steps.map((s) => `  ready: ${s}`),
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
