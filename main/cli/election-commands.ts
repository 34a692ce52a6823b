/**
 * `ogas election …` (DESIGN §10): the officials' election tooling.
 * - `sample`: the §4 sample from a roll file and the parties' commits and reveals;
 * - `sign`: add one authority signature to a package;
 * - `verify`: the package's schema and semantic checks, and its signatures against a trust file;
 * - `demo`: write a complete demo election (main/election-demo).
 * Exit codes: 0 done / every check holds, 1 a check failed, 2 bad usage or unreadable input.
 */
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseElectionPackageText, type LoadedElection } from '../../protocol/election/parse';
import { formatProblem } from '../../protocol/election/problems';
import { checkPackageSignatures, signPackage } from '../../protocol/election/signatures';
import { authorityKeyId, parseTrustFileText } from '../../protocol/election/trust-file';
import { parseCanonical, canonicalJson } from '../../protocol/jcs';
import { parseRollJsonLines } from '../../protocol/voters/roll-file';
import { computeSample } from '../../protocol/voters/sample';
import { buildDemoElection, type DemoOptions } from '../election-demo/build-demo';
import { parseAuthorityKeyFile } from '../election-demo/key-files';
import { writeDemoElection } from '../election-demo/write-demo';
import { isRfc3339 } from '../../protocol/election/primitives';
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
  type ExitCode,
  readTextFile,
} from './command';

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value))
    throw new UsageError(`--${name} must be a positive integer, not "${value}"`);
  return Number(value);
}

async function readHexList(path: string, what: string): Promise<string[]> {
  const text = await readTextFile(path, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new UsageError(`${what} ${path} must be a JSON array of hex strings`);
  }
  return value;
}

async function loadPackage(
  path: string,
): Promise<{ text: string; election: LoadedElection | undefined; problems: string[] }> {
  const text = await readTextFile(path, 'package');
  const parsed = parseElectionPackageText(text);
  return parsed.ok
    ? { text, election: parsed.value, problems: [] }
    : { text, election: undefined, problems: parsed.error.map(formatProblem) };
}

const sample = {
  summary: "the DESIGN §4 random sample from a roll and the parties' commits and reveals",
  usage: '--roll FILE --commits FILE --reveals FILE --k N [--json]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      roll: { type: 'string' },
      commits: { type: 'string' },
      reveals: { type: 'string' },
      k: { type: 'string' },
      json: { type: 'boolean' },
    });
    const k = positiveInteger(requireOption(values.k, 'k'), 'k')!;
    const rollPath = requireOption(values.roll, 'roll');
    const commits = await readHexList(requireOption(values.commits, 'commits'), 'commits file');
    const reveals = await readHexList(requireOption(values.reveals, 'reveals'), 'reveals file');
    const roll = parseRollJsonLines(await readTextFile(rollPath, 'roll file'));
    if (!roll.ok) throw new UsageError(`roll file ${rollPath}:\n  ${roll.error.join('\n  ')}`);
    const out = computeSample({ roll: roll.value, commits, reveals, k });
    if (!out.ok) {
      throw new FaultError(`the sample cannot be drawn:\n  ${out.error.map((p) => p.message).join('\n  ')}`);
    }
    if (values.json) {
      writeJson(io.stdout, { k, ...out.value });
      return EXIT.ok;
    }
    writeLine(io.stdout, `rollRoot  ${out.value.rollRoot}`);
    writeLine(io.stdout, `rollCount ${out.value.rollCount}`);
    writeLine(io.stdout, `seed      ${out.value.seed}`);
    writeLine(
      io.stdout,
      `selected  ${out.value.selected.length} of ${out.value.rollCount} (k = ${k}), sorted by voterRef:`,
    );
    for (const r of out.value.selected) writeLine(io.stdout, canonicalJson(r));
    return EXIT.ok;
  },
} satisfies Command;

const sign = {
  summary: 'add one authority signature (ML-DSA-65, context ogas-election-v1) to a package',
  usage: '--package FILE --key FILE [--out FILE]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      package: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
    });
    const packagePath = requireOption(values.package, 'package');
    const keyPath = requireOption(values.key, 'key');
    const keys = parseAuthorityKeyFile(await readTextFile(keyPath, 'key file'));
    if (!keys.ok) throw new UsageError(`${keyPath}: ${keys.error}`);
    const { text, election, problems } = await loadPackage(packagePath);
    if (!election) {
      throw new FaultError(`refusing to sign an invalid package:\n  ${problems.join('\n  ')}`);
    }
    const signed = signPackage(election.source, keys.value.secretKey, keys.value.publicKey);
    if (!signed.ok) throw new FaultError(signed.error);
    // Keep the file's style: canonical JSON stays canonical (it is entry 0), anything else is indented.
    const canonical = parseCanonical(text.replace(/\n$/, '')).ok;
    const output = canonical ? canonicalJson(signed.value) : `${JSON.stringify(signed.value, null, 2)}\n`;
    const target = resolve(values.out ?? packagePath);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, output, { flag: 'wx' });
    await rename(temp, target);
    writeLine(io.stdout, `signed by authority key ${authorityKeyId(keys.value.publicKey)}`);
    writeLine(io.stdout, `electionId ${election.electionId} (unchanged: signatures are not part of it)`);
    writeLine(io.stdout, `${signed.value.signatures.length} signature(s); written to ${target}`);
    return EXIT.ok;
  },
} satisfies Command;

const verify = {
  summary: 'check a package: closed schema, every semantic rule, and m-of-n authority signatures',
  usage: '--package FILE --authority TRUST [--json]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      package: { type: 'string' },
      authority: { type: 'string' },
      json: { type: 'boolean' },
    });
    const trustPath = requireOption(values.authority, 'authority');
    const { election, problems } = await loadPackage(requireOption(values.package, 'package'));
    const trust = parseTrustFileText(await readTextFile(trustPath, 'trust file'));
    if (!trust.ok)
      throw new UsageError(`trust file ${trustPath}:\n  ${trust.error.map(formatProblem).join('\n  ')}`);
    const report = election ? checkPackageSignatures(election, trust.value) : undefined;
    const signatures = report ? (report.ok ? report.value : report.error) : undefined;
    const signatureFaults = signatures
      ? [
          ...signatures.invalid.map((k) => `signature by trusted key ${k} does not verify`),
          ...(signatures.reached
            ? []
            : [`only ${signatures.valid.length} valid signature(s), ${signatures.m} required`]),
        ]
      : [];
    const good = problems.length === 0 && signatureFaults.length === 0;
    if (values.json) {
      writeJson(io.stdout, {
        ok: good,
        electionId: election?.electionId ?? null,
        problems,
        signatures: signatures ?? null,
      });
      return good ? EXIT.ok : EXIT.fault;
    }
    if (election) writeLine(io.stdout, `electionId ${election.electionId}`);
    for (const p of problems) writeLine(io.stdout, `PROBLEM ${p}`);
    for (const m of signatures?.messages ?? []) writeLine(io.stdout, m);
    if (!election) writeLine(io.stdout, `${problems.length} problem(s): signatures not checked`);
    writeLine(io.stdout, good ? 'OK: the package is valid and signed as the trust file requires' : 'FAILED');
    return good ? EXIT.ok : EXIT.fault;
  },
} satisfies Command;

function dateOption(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!isRfc3339(value))
    throw new UsageError(
      `--${name} must be an RFC 3339 date-time with an offset, e.g. 2030-05-01T08:00:00+02:00`,
    );
  return new Date(value);
}

const demo = {
  summary:
    'write a complete demo election (package, trust file, keys, roll, sample, bundle, CAs, cards, documents)',
  usage:
    '--out DIR [--seed TEXT] [--opens TIME] [--closes TIME] [--per-style N] [--k N] [--min-batch N] [--ledger-url URL] [--json]',
  async run(args, io): Promise<ExitCode> {
    const { values } = parseOptions(args, {
      out: { type: 'string' },
      seed: { type: 'string' },
      opens: { type: 'string' },
      closes: { type: 'string' },
      'per-style': { type: 'string' },
      k: { type: 'string' },
      'min-batch': { type: 'string' },
      'ledger-url': { type: 'string' },
      json: { type: 'boolean' },
    });
    const out = requireOption(values.out, 'out');
    const opens = dateOption(values.opens, 'opens');
    const closes = dateOption(values.closes, 'closes');
    if (opens && closes && opens >= closes) throw new UsageError('--opens must be before --closes');
    const perStyle = positiveInteger(values['per-style'], 'per-style');
    if (perStyle !== undefined && perStyle > 10_000)
      throw new UsageError('--per-style must be at most 10000');
    const k = positiveInteger(values.k, 'k');
    const minBatch = positiveInteger(values['min-batch'], 'min-batch');
    const ledgerUrl = values['ledger-url'];
    if (ledgerUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(ledgerUrl))
      throw new UsageError('--ledger-url must be an http(s) URL');
    const options: DemoOptions = {
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
      ...(opens ? { opens } : {}),
      ...(closes ? { closes } : {}),
      ...(perStyle !== undefined ? { perStyle } : {}),
      ...(k !== undefined ? { k } : {}),
      ...(minBatch !== undefined ? { minBatch } : {}),
      ...(ledgerUrl !== undefined ? { ledgerUrl } : {}),
    };
    const built = await buildDemoElection(options);
    try {
      await writeDemoElection(out, built);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const selected = built.voters.filter((v) => v.selected).length;
    if (values.json) {
      writeJson(io.stdout, {
        electionId: built.electionId,
        out: resolve(out),
        files: built.files.map((f) => f.path),
        voters: built.voters.length,
        selected,
      });
      return EXIT.ok;
    }
    writeLine(io.stdout, `demo election ${built.electionId}`);
    writeLine(io.stdout, `written to ${resolve(out)}: ${built.files.length} files (see README.txt)`);
    writeLine(
      io.stdout,
      `${built.voters.length} voters on the roll, ${selected} in the sample, ${built.cards.length} demo cards`,
    );
    return EXIT.ok;
  },
} satisfies Command;

export const electionCommands: CommandGroup = {
  kind: 'group',
  summary: 'election packages: sample, sign, verify, demo',
  commands: { sample, sign, verify, demo },
};
