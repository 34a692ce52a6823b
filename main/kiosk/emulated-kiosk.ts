/**
 * A kiosk on emulated devices (demo mode and the end-to-end tests): the emulated card reader with the
 * demo election's cards, the emulated HSM, an emulated ID scanner (SSI framing, the same decoders as
 * the serial transport) and the in-process enclosure controller emulator (the same SMP code as over a
 * serial port). Everything else is the real backend: store, queue, event log, auth, sessions, RPC.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEmulatedScanner } from '../../drivers/id-scanner/emulator/emulated-scanner';
import { EmulatedCardReader } from '../../drivers/pkcs11/emulated-card-reader';
import { EmulatedHsm } from '../../drivers/pkcs11/emulated-hsm';
import { emulatedController } from '../../firmware-bridge/controller-factory';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { parseTrustFileText } from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import { EventLog } from '../event-log/event-log';
import { Store } from '../store';
import { demoCards, demoDocuments, type DemoElectionFolder } from './demo-election';
import { DevDock, type DemoLedgerControl } from './dev-dock';
import { Kiosk } from './kiosk';
import type { KioskDeps } from './kiosk-context';
import { EVENT_LOG_FILE, loadKioskSecrets, STORE_FILE } from './kiosk-files';

/** The demo HSM's PIN (printed by the demo; an official types it to create and unlock the kiosk key). */
export const DEMO_HSM_PIN = '24680';

export interface EmulatedKioskOptions {
  readonly dataDir: string;
  readonly election: DemoElectionFolder;
  readonly ledgerUrl: string;
  readonly ledger?: DemoLedgerControl | null;
  readonly version: string;
  readonly clock?: () => number;
  readonly controller?: boolean;
  readonly queueOptions?: KioskDeps['queueOptions'];
  readonly onLog?: (line: string) => void;
  /**
   * An HSM kept across kiosk restarts in one process (tests of DESIGN §8 "locked after a restart"): the
   * emulated HSM's sealing key lives in its memory only.
   */
  readonly hsm?: EmulatedHsm;
  /**
   * Or: the emulated HSM keeps its key in this file (the demo kept across restarts of the process;
   * drivers/pkcs11/emulated-hsm-key-file.ts).
   */
  readonly hsmKeyFile?: string;
}

export interface EmulatedKiosk {
  readonly kiosk: Kiosk;
  readonly dock: DevDock;
  readonly reader: EmulatedCardReader;
  readonly hsm: EmulatedHsm;
  close(): Promise<void>;
}

/** The emulated HSM's key file in a demo kiosk's data folder (EMULATED: the key in the clear). */
export const EMULATED_HSM_KEY_FILE = 'emulated-hsm-key.json';

function emulatedHsm(o: EmulatedKioskOptions): Result<EmulatedHsm, string> {
  const options = { pin: DEMO_HSM_PIN, id: 'hsm-emulated' };
  if (o.hsm) return ok(o.hsm);
  return o.hsmKeyFile === undefined
    ? ok(new EmulatedHsm(options))
    : EmulatedHsm.withKeyFile(options, o.hsmKeyFile);
}

export async function startEmulatedKiosk(o: EmulatedKioskOptions): Promise<Result<EmulatedKiosk, string>> {
  const { dir, index } = o.election;
  const secrets = await loadKioskSecrets(o.dataDir);
  if (!secrets.ok) return secrets;
  const made = emulatedHsm(o);
  if (!made.ok) return made;
  const hsm = made.value;
  const trust = parseTrustFileText(await readFile(join(dir, index.trust), 'utf8'));
  if (!trust.ok) return err(`demo trust file: ${trust.error.map(formatProblem).join('; ')}`);
  const store = Store.open(join(o.dataDir, STORE_FILE), o.clock ? { now: () => new Date(o.clock!()) } : {});
  if (!store.ok) return store;
  const clock = o.clock ?? Date.now;
  const eventLog = new EventLog(join(o.dataDir, EVENT_LOG_FILE), {
    clock: () => new Date(clock()),
    ...(o.onLog ? { onAppend: (r) => o.onLog!(JSON.stringify(r)) } : {}),
  });
  const reader = new EmulatedCardReader('card-reader-emulated');
  const scanner = createEmulatedScanner({
    framing: 'ssi',
    id: 'scanner-emulated',
    clock: () => new Date(clock()),
  });
  const emulated =
    o.controller === false ? null : await emulatedController({ controller: { id: 'controller-emulated' } });
  const deps: KioskDeps = {
    mode: 'demo',
    dataDir: o.dataDir,
    version: o.version,
    store: store.value,
    eventLog,
    devices: { reader, hsm, scanners: [scanner], controller: emulated?.controller ?? null },
    trust: trust.value,
    officialsCa: [await readFile(join(dir, index.ca.officials), 'utf8')],
    ledgerUrl: o.ledgerUrl,
    attemptSecret: secrets.value.attemptSecret,
    machineId: secrets.value.machineId,
    verifier: fastestMlDsaVerifier(nobleVerifier).verifier,
    clock,
    ...(o.queueOptions ? { queueOptions: o.queueOptions } : {}),
  };
  const started = await Kiosk.start(deps);
  if (!started.ok) {
    await emulated?.emulator.detach();
    store.value.close();
    eventLog.close();
    return started;
  }
  const kiosk = started.value;
  const dock = new DevDock({
    reader,
    scanner,
    emulator: emulated?.emulator ?? null,
    cards: await demoCards(o.election),
    documents: await demoDocuments(o.election),
    hsmPin: DEMO_HSM_PIN,
    electionDir: dir,
    ledger: o.ledger ?? null,
    log: eventLog,
  });
  return ok({
    kiosk,
    dock,
    reader,
    hsm,
    close: async () => {
      await kiosk.close();
      await emulated?.emulator.detach();
      store.value.close();
      eventLog.close();
    },
  });
}
