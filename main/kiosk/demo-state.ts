/**
 * The demo's data folder kept across restarts, like a real kiosk's disk: `election/` (the demo
 * election), `kiosk/` (store, event log, secrets and the emulated HSM's key file), `ledger/` (the
 * embedded ledger's SQLite file and its witnesses' state) and `demo-state.json`, which says which
 * election the kiosk and ledger state belong to. `--fresh` removes all but the election.
 *
 * State that cannot be opened again is refused before anything starts, with what to do: state from an
 * older version of the demo (which wiped itself at every start: no demo-state.json, no HSM key file),
 * or state of another election than the demo election now in the folder.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../protocol/result';
import type { DemoElectionFolder } from './demo-election';
import { DEMO_LEDGER_DB } from './demo-ledger';
import { EMULATED_HSM_KEY_FILE } from './emulated-kiosk';
import { STORE_FILE } from './kiosk-files';

export const DEMO_STATE_FILE = 'demo-state.json';

export const FRESH_HINT =
  'To start over with a fresh kiosk and ledger (the demo election is kept): ogas kiosk --demo --fresh';

export interface DemoPaths {
  readonly dataDir: string;
  readonly electionDir: string;
  readonly kioskDir: string;
  readonly ledgerDir: string;
  readonly stateFile: string;
  readonly hsmKeyFile: string;
}

export function demoPaths(dataDir: string): DemoPaths {
  const kioskDir = join(dataDir, 'kiosk');
  return {
    dataDir,
    electionDir: join(dataDir, 'election'),
    kioskDir,
    ledgerDir: join(dataDir, 'ledger'),
    stateFile: join(dataDir, DEMO_STATE_FILE),
    hsmKeyFile: join(kioskDir, EMULATED_HSM_KEY_FILE),
  };
}

const StateSchema = z.strictObject({ v: z.literal(1), electionId: z.string().min(1) });

export interface KeptState {
  /** A kiosk or ledger folder is there from an earlier run. */
  readonly kept: boolean;
  /** The election the kept state belongs to, or null when no demo-state.json exists yet. */
  readonly electionId: string | null;
  /** The ledger database existed before this start (the kiosk's enrolment lives there). */
  readonly ledgerKept: boolean;
}

/** `--fresh`: forgets the kiosk, the ledger and the witnesses' state; keeps the election folder. */
export async function wipeDemoState(paths: DemoPaths): Promise<void> {
  await rm(paths.kioskDir, { recursive: true, force: true });
  await rm(paths.ledgerDir, { recursive: true, force: true });
  await rm(paths.stateFile, { force: true });
}

/** What an earlier run left, refused when it cannot be opened again whatever the election. */
export async function readKeptState(paths: DemoPaths): Promise<Result<KeptState, string>> {
  const kept = existsSync(paths.kioskDir) || existsSync(paths.ledgerDir);
  const ledgerKept = existsSync(join(paths.ledgerDir, DEMO_LEDGER_DB));
  if (!existsSync(paths.stateFile)) {
    if (!kept) return ok({ kept, electionId: null, ledgerKept });
    return err(
      `${paths.dataDir} holds kiosk and ledger state from an older version of the demo, which started ` +
        `afresh every time and kept no HSM key: its sealed kiosk key cannot be opened again. ${FRESH_HINT}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(paths.stateFile, 'utf8'));
  } catch (e) {
    return err(`${paths.stateFile} cannot be read as JSON (${(e as Error).message}). ${FRESH_HINT}`);
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success) return err(`${paths.stateFile} is not a demo state file. ${FRESH_HINT}`);
  return ok({ kept, electionId: parsed.data.electionId, ledgerKept });
}

/** The kept state must belong to the demo election now in the folder (made again once one is over). */
export function checkSameElection(
  paths: DemoPaths,
  state: KeptState,
  folder: DemoElectionFolder,
  remade: boolean,
): Result<void, string> {
  if (!state.kept || state.electionId === null || state.electionId === folder.index.electionId) {
    return ok(undefined);
  }
  const why = remade ? ' (the previous demo election was over, so a new one was made)' : '';
  return err(
    `the kiosk and ledger state in ${paths.dataDir} belong to the election ${state.electionId}, but the ` +
      `demo election in ${folder.dir} is ${folder.index.electionId}${why}. ${FRESH_HINT}`,
  );
}

/** Records which election the state about to be made belongs to. */
export async function writeDemoState(paths: DemoPaths, electionId: string): Promise<void> {
  await writeFile(paths.stateFile, `${JSON.stringify({ v: 1, electionId }, null, 2)}\n`, { mode: 0o644 });
}

/**
 * Once the kiosk's store is open: a provisioned kiosk needs its HSM key (to unseal its kiosk key) and
 * the ledger it enrolled with.
 */
export function checkProvisionedState(
  paths: DemoPaths,
  state: KeptState,
  hasHsmKey: boolean,
): Result<void, string> {
  const store = join(paths.kioskDir, STORE_FILE);
  if (!hasHsmKey) {
    return err(
      `the kiosk in ${store} is provisioned but the emulated HSM's key file ${paths.hsmKeyFile} is ` +
        `missing: its sealed kiosk key can never be unsealed. ${FRESH_HINT}`,
    );
  }
  if (!state.ledgerKept) {
    return err(
      `the kiosk in ${store} is provisioned but the embedded ledger's database ` +
        `${join(paths.ledgerDir, DEMO_LEDGER_DB)} was missing: the ledger no longer knows this kiosk. ${FRESH_HINT}`,
    );
  }
  return ok(undefined);
}

/** Adds the way out to a start-up failure when the failure may come from kept state. */
export function withFreshHint(message: string, state: KeptState): string {
  return state.kept
    ? `${message}. If the state kept in this demo folder is the cause: ${FRESH_HINT}`
    : message;
}
