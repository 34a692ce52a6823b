/**
 * `ogas ledger …` (DESIGN §10): the state ledger.
 * - `keygen`: create the log's ML-DSA-44 key, print its vkey (the package's `ledger.logKey`);
 * - `serve`: run the ledger of one election (ledger/server), SQLite by default or PostgreSQL;
 * - `export`: write the export folder of DESIGN §6 from a ledger's URL.
 * Exit codes: 0 done, 1 a check failed (e.g. the package is refused), 2 bad usage or unreadable input.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportLedger } from '../../ledger/export/export-ledger';
import { jsonLinesLogger } from '../../ledger/server/ledger-logger';
import { generateLogKey, parseLogKeyFile } from '../../ledger/server/log-key';
import { openLedgerInputs, startLedgerServer } from '../../ledger/server/start-ledger';
import {
  EXIT,
  FaultError,
  parseOptions,
  requireOption,
  UsageError,
  writeJson,
  writeLine,
  type Command,
  type CommandGroup,
  readTextFile,
  parsePort,
} from './command';

const keygen: Command = {
  summary: "create the log's ML-DSA-44 checkpoint key and print its vkey (the package's ledger.logKey)",
  usage: '--origin NAME --out FILE [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      origin: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const origin = requireOption(values.origin, 'origin');
    const out = requireOption(values.out, 'out');
    const made = generateLogKey(origin);
    if (!made.ok) throw new UsageError(made.error);
    try {
      await writeFile(out, made.value.fileText, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'EEXIST'
          ? `${out} exists: a key is never overwritten; choose another file`
          : `cannot write ${out}: ${code ?? (e as Error).message}`,
      );
    }
    if (values.json) writeJson(io.stdout, { origin, vkey: made.value.key.vkey, file: resolve(out) });
    else writeLine(io.stdout, made.value.key.vkey);
    return EXIT.ok;
  },
};

const serve: Command = {
  summary: 'run the state ledger of one election (HTTP API of DESIGN §6)',
  usage:
    '--key FILE --election FILE --authority TRUST [--roll FILE] [--db FILE | --pg URL] [--host ADDR] [--port N] [--witness URL]... [--threads N]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      key: { type: 'string' },
      election: { type: 'string' },
      authority: { type: 'string' },
      roll: { type: 'string' },
      db: { type: 'string' },
      pg: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      witness: { type: 'string', multiple: true },
      threads: { type: 'string' },
    });
    if (values.db !== undefined && values.pg !== undefined)
      throw new UsageError('give --db FILE or --pg URL, not both');
    const keyText = await readTextFile(requireOption(values.key, 'key'), 'log key file');
    const logKey = parseLogKeyFile(keyText);
    if (!logKey.ok) throw new UsageError(logKey.error);
    const packageText = await readTextFile(requireOption(values.election, 'election'), 'election package');
    const trustText = await readTextFile(requireOption(values.authority, 'authority'), 'trust file');
    const rollText = values.roll === undefined ? undefined : await readTextFile(values.roll, 'roll file');
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) {
      throw new UsageError(`--threads must be 1 to 256, not "${values.threads}"`);
    }
    for (const w of values.witness ?? []) {
      if (!URL.canParse(w) || !/^https?:$/.test(new URL(w).protocol))
        throw new UsageError(`--witness ${w} is not an http(s) URL`);
    }
    const opened = openLedgerInputs({
      packageText,
      trustText,
      logKey: logKey.value,
      ...(rollText === undefined ? {} : { rollText }),
      ...(values.pg !== undefined ? { pg: values.pg } : { db: values.db ?? 'ogas-ledger.db' }),
    });
    if (!opened.ok) throw new FaultError(`the ledger refuses to start:\n  ${opened.error.join('\n  ')}`);
    const log = jsonLinesLogger(io.stderr);
    let ledger;
    try {
      ledger = await startLedgerServer({
        ...opened.value,
        host: values.host ?? '127.0.0.1',
        port: parsePort(values.port, 8080),
        witnesses: values.witness ?? [],
        logger: log,
        ...(threads === undefined ? {} : { verifyThreads: threads }),
      });
    } catch (e) {
      throw new FaultError(`the ledger could not start: ${(e as Error).message}`);
    }
    writeLine(
      io.stdout,
      `ledger of election ${opened.value.context.electionId} at ${ledger.url} (${opened.value.storage.kind}, ${ledger.state.size} entries)`,
    );
    if (!io.stopSignal.aborted)
      await new Promise((r) => io.stopSignal.addEventListener('abort', r, { once: true }));
    await ledger.close();
    return EXIT.ok;
  },
};

const exportCommand: Command = {
  summary: 'write the export folder of DESIGN §6 (election.json, entries.jsonl, checkpoint, checkpoints/)',
  usage: '--ledger URL --out DIR [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      ledger: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const url = requireOption(values.ledger, 'ledger');
    if (!URL.canParse(url)) throw new UsageError(`--ledger ${url} is not a URL`);
    const out = requireOption(values.out, 'out');
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} is not a folder`);
    const result = await exportLedger({ url, out, progress: (line) => writeLine(io.stderr, line) });
    if (!result.ok) throw new FaultError(result.error);
    for (const w of result.value.warnings) writeLine(io.stderr, `warning: ${w}`);
    if (values.json) writeJson(io.stdout, { out: resolve(out), ...result.value });
    else
      writeLine(
        io.stdout,
        `${resolve(out)}: ${result.value.size} entries, ${result.value.cosignedSizes.length} cosigned checkpoint(s)`,
      );
    return EXIT.ok;
  },
};

export const ledgerCommands: CommandGroup = {
  kind: 'group',
  summary: 'the state ledger: keygen, serve, export',
  commands: { keygen, serve, export: exportCommand },
};
