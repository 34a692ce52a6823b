/**
 * `ogas witness …` (DESIGN §6, §10): a C2SP tlog-witness.
 * - `keygen --name NAME --out FILE`: a new ML-DSA-44 witness key; prints its vkey (for the election
 *   package's ledger.witnesses);
 * - `serve --key FILE --name NAME (--log VKEY… | --logs FILE…) [--state FILE] [--host H] [--port N]`:
 *   answers POST /add-checkpoint until stopped (SIGINT/SIGTERM). `--log` names a log it witnesses by
 *   the log's vkey (its origin and key); `--logs` reads such vkeys from a file, one per line.
 * Exit codes: 0 done, 2 bad usage or unreadable input (a key, logs or state file that cannot be used).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateWitnessKey, parseWitnessKeyFile } from '../../ledger/witness/witness-key';
import { collectWitnessedLogs } from '../../ledger/witness/witness-logs';
import { startWitness } from '../../ledger/witness/witness-server';
import {
  EXIT,
  parseOptions,
  requireOption,
  UsageError,
  writeLine,
  type Command,
  type CommandGroup,
  type ExitCode,
  readTextFile,
  parsePort,
} from './command';

const keygen = {
  summary: 'create a witness ML-DSA-44 key (C2SP tlog-cosignature); print its vkey',
  usage: '--name NAME --out FILE',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, { name: { type: 'string' }, out: { type: 'string' } });
    const name = requireOption(values.name, 'name');
    const out = requireOption(values.out, 'out');
    if (existsSync(out)) throw new UsageError(`${out} already exists: a key file is never overwritten`);
    const made = generateWitnessKey(name);
    if (!made.ok) throw new UsageError(made.error);
    try {
      await writeFile(out, made.value.fileText, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
    }
    writeLine(io.stdout, made.value.key.vkey);
    return EXIT.ok;
  },
} satisfies Command;

const serve = {
  summary: 'run a C2SP tlog-witness (POST /add-checkpoint) for the given logs',
  usage: '--key FILE --name NAME (--log VKEY | --logs FILE)... [--state FILE] [--host ADDR] [--port N]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      key: { type: 'string' },
      name: { type: 'string' },
      log: { type: 'string', multiple: true },
      logs: { type: 'string', multiple: true },
      state: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
    });
    const keyPath = requireOption(values.key, 'key');
    const name = requireOption(values.name, 'name');
    const key = parseWitnessKeyFile(await readTextFile(keyPath, 'witness key file'), name);
    if (!key.ok) throw new UsageError(`${keyPath}: ${key.error}`);
    const files = await Promise.all(
      (values.logs ?? []).map(async (path) => ({ path, text: await readTextFile(path, 'logs file') })),
    );
    const logs = collectWitnessedLogs(values.log ?? [], files);
    if (!logs.ok) throw new UsageError(logs.error.join('\n  '));
    const statePath = resolve(values.state ?? 'witness-state.json');
    let witness;
    try {
      witness = await startWitness({
        key: key.value,
        logs: logs.value,
        statePath,
        ...(values.host === undefined ? {} : { host: values.host }),
        port: parsePort(values.port, 0),
        logger: (event) => writeLine(io.stderr, JSON.stringify({ time: new Date().toISOString(), ...event })),
      });
    } catch (e) {
      throw new UsageError(`the witness cannot start: ${(e as Error).message}`);
    }
    writeLine(io.stdout, `witness ${witness.name} listening on ${witness.url} (POST /add-checkpoint)`);
    writeLine(io.stdout, `vkey    ${witness.vkey}`);
    writeLine(io.stdout, `state   ${statePath}`);
    for (const l of logs.value) writeLine(io.stdout, `log     ${l.name}`);
    await new Promise<void>((done) => {
      if (io.stopSignal.aborted) done();
      else io.stopSignal.addEventListener('abort', () => done(), { once: true });
    });
    await witness.close();
    return EXIT.ok;
  },
} satisfies Command;

export const witnessCommands: CommandGroup = {
  kind: 'group',
  summary: 'a C2SP transparency-log witness: keygen, serve',
  commands: { keygen, serve },
};
