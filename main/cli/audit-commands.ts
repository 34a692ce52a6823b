/**
 * `ogas audit`, `ogas tally`, `ogas receipt` (DESIGN §6, §10), each a single command:
 * - audit --authority TRUST [--election FILE] --ledger URL|DIR [--roll FILE] [--json] [--threads N]:
 *   verifies the whole log and recounts it; exit 0 only when no fault is found, 1 when one is;
 * - tally [--election FILE] --ledger URL|DIR [--authority TRUST] [--json]: results per contest and
 *   district; checks the checkpoint, entry 0 and the tree, not the entries' signatures and rules;
 * - receipt --ledger URL --code CODE [--election FILE] [--authority TRUST] [--json]: is the ballot
 *   with this tracking code on the log, under a witnessed checkpoint?
 * Without --election, the package is the log's entry 0 (election.json), trusted only as far as the
 * trust file's signatures make it. Exit 2: bad usage or unreadable input.
 */
import { AuditInputError } from '../../ledger/audit/audit-setup';
import { formatAuditReport } from '../../ledger/audit/audit-report';
import { formatFault } from '../../ledger/audit/faults';
import { FolderSource } from '../../ledger/audit/folder-source';
import { HttpSource } from '../../ledger/audit/http-source';
import { SourceError, type LogSource } from '../../ledger/audit/log-source';
import { checkReceipt, ReceiptInputError } from '../../ledger/audit/receipt';
import { formatResults } from '../../ledger/audit/results-format';
import { runAudit } from '../../ledger/audit/run-audit';
import { runTally } from '../../ledger/audit/run-tally';
import {
  EXIT,
  parseOptions,
  requireOption,
  UsageError,
  writeJson,
  writeLine,
  type CommandGroup,
  type ExitCode,
  readTextFile,
} from './command';

async function readText(path: string | undefined, what: string): Promise<string | undefined> {
  return path === undefined ? undefined : readTextFile(path, what);
}

function isUrl(ledger: string): boolean {
  return /^https?:\/\//i.test(ledger);
}

async function openSource(ledger: string): Promise<LogSource> {
  return isUrl(ledger) ? new HttpSource(ledger) : FolderSource.open(ledger);
}

function threads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,3}$/.test(value)) throw new UsageError(`--threads must be a whole number, not "${value}"`);
  return Number(value);
}

/** Turns the errors that mean "cannot use this input" into usage errors (exit 2). */
async function inputs<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof SourceError || e instanceof AuditInputError || e instanceof ReceiptInputError) {
      throw new UsageError(e.message);
    }
    throw e;
  }
}

export const auditCommand: CommandGroup = {
  kind: 'single',
  summary: 'verify a whole election log (export folder or ledger URL) and recount it',
  usage: '--authority TRUST [--election FILE] --ledger URL|DIR [--roll FILE] [--json] [--threads N]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      authority: { type: 'string' },
      election: { type: 'string' },
      ledger: { type: 'string' },
      roll: { type: 'string' },
      json: { type: 'boolean' },
      threads: { type: 'string' },
    });
    const trustText = (await readText(requireOption(values.authority, 'authority'), 'trust file'))!;
    const ledger = requireOption(values.ledger, 'ledger');
    const packageText = await readText(values.election, 'election package');
    const rollText = await readText(values.roll, 'roll file');
    const threadCount = threads(values.threads);
    const { report, election } = await inputs(async () =>
      runAudit({
        source: await openSource(ledger),
        trustText,
        ...(packageText === undefined ? {} : { packageText }),
        ...(rollText === undefined ? {} : { rollText }),
        ...(threadCount === undefined ? {} : { threads: threadCount }),
        onProgress: (p) =>
          writeLine(
            io.stderr,
            `audit: ${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')} entries checked (${Math.round((100 * p.done) / Math.max(1, p.total))} %, ${Math.round(p.done / p.seconds)} entries/s)`,
          ),
      }),
    );
    if (values.json) writeJson(io.stdout, report);
    else for (const line of formatAuditReport(report, election?.package)) writeLine(io.stdout, line);
    return report.passed ? EXIT.ok : EXIT.fault;
  },
};

export const tallyCommand: CommandGroup = {
  kind: 'single',
  summary:
    'results per contest and per district by the rules (checks the checkpoint and the tree, not every entry)',
  usage: '[--election FILE] --ledger URL|DIR [--authority TRUST] [--json] [--threads N]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      election: { type: 'string' },
      ledger: { type: 'string' },
      authority: { type: 'string' },
      json: { type: 'boolean' },
      threads: { type: 'string' },
    });
    const ledger = requireOption(values.ledger, 'ledger');
    const packageText = await readText(values.election, 'election package');
    const trustText = await readText(values.authority, 'trust file');
    const threadCount = threads(values.threads);
    const { report, election } = await inputs(async () =>
      runTally({
        source: await openSource(ledger),
        ...(packageText === undefined ? {} : { packageText }),
        ...(trustText === undefined ? {} : { trustText }),
        ...(threadCount === undefined ? {} : { threads: threadCount }),
      }),
    );
    if (values.json) {
      writeJson(io.stdout, report);
    } else {
      writeLine(io.stdout, `OGAS tally of ${report.source}`);
      if (report.electionId) writeLine(io.stdout, `election   ${report.electionId}`);
      for (const v of report.verified) writeLine(io.stdout, `verified   ${v}`);
      for (const n of report.notChecked) writeLine(io.stdout, `NOT CHECKED ${n}`);
      const s = report.skipped;
      if (s.malformed + s.invalid + s.duplicateTrackers > 0) {
        writeLine(
          io.stdout,
          `not counted ${s.malformed} malformed entries, ${s.invalid} invalid ballots, ${s.duplicateTrackers} repeated trackers`,
        );
      }
      if (report.results && election)
        for (const l of formatResults(election.package, report.results)) writeLine(io.stdout, l);
      for (const f of report.faults) writeLine(io.stdout, `FAULT ${formatFault(f)}`);
      writeLine(
        io.stdout,
        report.verifiedLog
          ? 'The counts are of the log the witnesses cosigned. Run `ogas audit` to check every entry before relying on them.'
          : 'The checkpoint or the tree did NOT verify: these counts may not be the log the witnesses saw.',
      );
    }
    return report.verifiedLog ? EXIT.ok : EXIT.fault;
  },
};

export const receiptCommand: CommandGroup = {
  kind: 'single',
  summary: 'check that the ballot with a tracking code is on the log, under a witnessed checkpoint',
  usage: '--ledger URL --code CODE [--election FILE] [--authority TRUST] [--json]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      ledger: { type: 'string' },
      code: { type: 'string' },
      election: { type: 'string' },
      authority: { type: 'string' },
      json: { type: 'boolean' },
    });
    const url = requireOption(values.ledger, 'ledger');
    if (!isUrl(url)) throw new UsageError(`--ledger must be the ledger's http(s) URL, not "${url}"`);
    const code = requireOption(values.code, 'code');
    const packageText = await readText(values.election, 'election package');
    const trustText = await readText(values.authority, 'trust file');
    const report = await inputs(() =>
      checkReceipt({
        url,
        code,
        ...(packageText === undefined ? {} : { packageText }),
        ...(trustText === undefined ? {} : { trustText }),
      }),
    );
    if (values.json) {
      writeJson(io.stdout, report);
    } else {
      writeLine(
        io.stdout,
        report.onLog
          ? `YES: the ballot ${report.code} is on the log (entry ${report.index}), under a witnessed checkpoint.`
          : `NO: the ballot ${report.code} could not be shown to be on the log under a witnessed checkpoint.`,
      );
      for (const c of report.checks)
        writeLine(io.stdout, `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
      if (report.ballot)
        writeLine(
          io.stdout,
          `  ballot style ${report.ballot.style}: ${JSON.stringify(report.ballot.selections)}`,
        );
      for (const n of report.notes) writeLine(io.stdout, `  note: ${n}`);
    }
    return report.onLog ? EXIT.ok : EXIT.fault;
  },
};
