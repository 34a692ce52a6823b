/**
 * `npm run bench [-- <filter>]`: runs every bench/*.bench.ts (alphabetical order; with a filter, only
 * the files whose name contains it), each exporting `async function run(report)`, and prints one table
 * of what they reported. Benchmarks print figures; they assert nothing about speed.
 *
 * Each file runs in its own child process (this script with `--one <file>`), so one benchmark's heap
 * (a million-leaf tree) does not slow the next one down with its garbage collection.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchModule, Report } from './report';

const ROW_PREFIX = 'BENCH-ROW ';

interface Row {
  readonly file: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

function printTable(rows: readonly Row[]): void {
  const header = ['benchmark', 'value', 'unit', 'note'];
  const cells = rows.map((r) => [`${r.file}: ${r.name}`, formatValue(r.value), r.unit, r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c
      .map((s, i) => (i === 1 ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
}

/** Child mode: runs one file, writing each figure to stdout as a JSON row and progress to stderr. */
async function runOne(file: string): Promise<void> {
  const report: Report = (name, value, unit, note = '') => {
    process.stdout.write(`${ROW_PREFIX}${JSON.stringify({ name, value, unit, note })}\n`);
    process.stderr.write(`  ${name}: ${formatValue(value)} ${unit}${note ? ` (${note})` : ''}\n`);
  };
  const mod = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as BenchModule;
  await mod.run(report);
}

/** Runs one file in a child process; resolves with its rows, or a FAILED row. */
function runChild(f: string): Promise<Row[]> {
  const file = basename(f, '.bench.ts');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, '--one', f], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('close', (code) => {
      const rows: Row[] = out
        .split('\n')
        .filter((l) => l.startsWith(ROW_PREFIX))
        .map((l) => ({ file, ...(JSON.parse(l.slice(ROW_PREFIX.length)) as Omit<Row, 'file'>) }));
      if (code !== 0) rows.push({ file, name: 'FAILED', value: NaN, unit: '', note: `exit code ${code}` });
      resolve(rows);
    });
  });
}

async function main(): Promise<number> {
  if (process.argv[2] === '--one') {
    await runOne(process.argv[3]!);
    return 0;
  }
  const filter = process.argv[2] ?? '';
  const dir = import.meta.dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no bench/*.bench.ts matches ${JSON.stringify(filter)}\n`);
    return 2;
  }
  const rows: Row[] = [];
  for (const f of files) {
    process.stderr.write(`running ${f} ...\n`);
    rows.push(...(await runChild(f)));
  }
  printTable(rows);
  return rows.some((r) => r.name === 'FAILED') ? 1 : 0;
}

process.exitCode = await main();
