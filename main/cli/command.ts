/**
 * The shape every `ogas` subcommand has (DESIGN §10): exit 0 when done and every check holds, 1 when a
 * check failed or a fault was found, 2 for bad usage or unreadable input. Every error says what was
 * wrong; `--json` gives machine-readable output.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fromUtf8 } from '../../protocol/bytes';

export const EXIT = { ok: 0, fault: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Where a command reads and writes; tests pass buffers, the binary passes the process's streams. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running servers wait on it. */
  readonly stopSignal: AbortSignal;
}

export interface Command {
  readonly summary: string;
  /** One usage line per form, without the leading `ogas <group> <name>`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<ExitCode>;
}

/** A group of commands (`ogas election ...`), or a single command when `run` is set (`ogas audit`). */
export type CommandGroup =
  | { readonly kind: 'group'; readonly summary: string; readonly commands: Readonly<Record<string, Command>> }
  | ({ readonly kind: 'single' } & Command);

/** Bad usage or unreadable input: exit code 2 with this message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A check that failed with a message for the person running the command: exit code 1. */
export class FaultError extends Error {
  override readonly name = 'FaultError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict option parsing (unknown options and stray positionals are usage errors). Returns the values
 * typed by node:util's parseArgs.
 */
export function parseOptions<T extends Options>(
  args: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Reads a required string option or throws a UsageError naming it. */
export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a UTF-8 text file given on the command line; unreadable or not UTF-8 is a UsageError naming it. */
export async function readTextFile(path: string, what: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return fromUtf8(bytes);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not UTF-8 text`, { cause: e });
  }
}

/** `--port`: a TCP port number 0 to 65535 (0: any free port), or `fallback` when not given. */
export function parsePort<T extends number | undefined>(value: string | undefined, fallback: T): number | T {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--port must be a TCP port number (0 to 65535), not "${value}"`);
  }
  return Number(value);
}
