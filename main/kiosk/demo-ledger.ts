/**
 * The demo's embedded state ledger (DESIGN §6) on SQLite, with the demo election's two witnesses
 * running in the same process (ledger/witness), so that checkpoints reach the package's quorum and the
 * kiosk's ledger client accepts them. The dev dock can stop the ledger and start it again on the same
 * port and database (the witnesses keep their state), to show the kiosk failing closed on check-ins
 * and draining its queue when the ledger comes back.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseVkey } from '../../protocol/checkpoint';
import { err, ok, type Result } from '../../protocol/result';
import { parseLogKeyFile } from '../../ledger/server/log-key';
import { startLedger, type RunningLedger } from '../../ledger/server/start-ledger';
import { parseWitnessKeyFile } from '../../ledger/witness/witness-key';
import { startWitness, type RunningWitness } from '../../ledger/witness/witness-server';
import type { DemoLedgerControl } from './dev-dock';
import type { DemoElectionFolder } from './demo-election';

/** The ledger's SQLite file in the demo ledger's data folder (kept across demo restarts). */
export const DEMO_LEDGER_DB = 'ledger.sqlite';

export interface DemoLedgerOptions {
  /** Where the ledger's SQLite file and the witnesses' state files live. */
  readonly dataDir: string;
  readonly clock?: () => number;
  readonly verifyThreads?: number;
}

export class DemoLedger implements DemoLedgerControl {
  private ledger: RunningLedger | null = null;
  private port = 0;

  private constructor(
    private readonly start_: (port: number) => Promise<RunningLedger>,
    readonly witnesses: readonly RunningWitness[],
  ) {}

  static async start(folder: DemoElectionFolder, options: DemoLedgerOptions): Promise<DemoLedger> {
    const { dir, index } = folder;
    await mkdir(options.dataDir, { recursive: true });
    const read = (p: string) => readFile(join(dir, p), 'utf8');
    const logKey = parseLogKeyFile(await read(index.ledger.key));
    if (!logKey.ok) throw new Error(`demo log key: ${logKey.error}`);
    const logCosigner = parseVkey(logKey.value.vkey);
    if (!logCosigner.ok) throw new Error(`demo log vkey: ${logCosigner.error}`);
    const witnesses: RunningWitness[] = [];
    for (const [i, w] of index.ledger.witnesses.entries()) {
      const key = parseWitnessKeyFile(await read(w.key), w.name);
      if (!key.ok) throw new Error(`demo witness key ${w.key}: ${key.error}`);
      witnesses.push(
        await startWitness({
          key: key.value,
          logs: [logCosigner.value],
          statePath: join(options.dataDir, `witness-${i + 1}.state`),
          ...(options.clock ? { clock: options.clock } : {}),
        }),
      );
    }
    const packageText = await read(index.package);
    const trustText = await read(index.trust);
    const start = (port: number) =>
      startLedger({
        packageText,
        trustText,
        logKey: logKey.value,
        db: join(options.dataDir, DEMO_LEDGER_DB),
        port,
        witnesses: witnesses.map((w) => w.url),
        verifyThreads: options.verifyThreads ?? 1,
        ...(options.clock ? { clock: options.clock } : {}),
      });
    const demo = new DemoLedger(start, witnesses);
    const started = await demo.start();
    if (!started.ok) throw new Error(started.error);
    return demo;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  running(): boolean {
    return this.ledger !== null;
  }

  /** The running ledger (tests: refresh a checkpoint after the drain deadline). */
  current(): RunningLedger | null {
    return this.ledger;
  }

  async start(): Promise<Result<void, string>> {
    if (this.ledger) return ok(undefined);
    try {
      this.ledger = await this.start_(this.port);
      this.port = this.ledger.port;
      return ok(undefined);
    } catch (e) {
      return err((e as Error).message);
    }
  }

  async stop(): Promise<void> {
    const l = this.ledger;
    this.ledger = null;
    await l?.close();
  }

  async close(): Promise<void> {
    await this.stop();
    for (const w of this.witnesses) await w.close();
  }
}
