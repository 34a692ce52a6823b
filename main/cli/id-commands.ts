/**
 * `ogas id parse` (DESIGN §10): reads one scanned identity document on stdin (an ICAO 9303 MRZ or an
 * AAMVA PDF417 payload, as a reader sends it) and prints it in the §10 shape.
 *
 * Exit codes: 0 the document was read and every check digit holds; 1 it was read but a check digit
 * fails (the JSON is still printed, `valid: false`, and stderr names the failed checks); 2 bad usage or
 * unreadable input (stderr says why). Expiry is reported, never judged.
 */
import { parseDocument, type FormatChoice } from '../../drivers/id-scanner/parse-document';
import {
  EXIT,
  parseOptions,
  UsageError,
  writeJson,
  writeLine,
  type CliIo,
  type Command,
  type CommandGroup,
} from './command';

/** More than any document: stop reading rather than buffer an endless stream. */
const MAX_STDIN_BYTES = 64 * 1024;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    if (total > MAX_STDIN_BYTES)
      throw new UsageError(`input is longer than ${MAX_STDIN_BYTES} bytes: not one identity document`);
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const FORMATS: readonly FormatChoice[] = ['auto', 'mrz', 'aamva'];

const parse: Command = {
  summary:
    'read one scanned document (ICAO 9303 MRZ TD1/TD2/TD3, or AAMVA DL/ID PDF417 data) on stdin and print it as JSON\n' +
    '       exit 0: read, every check digit holds; 1: read, but a check digit fails (printed with valid: false);\n' +
    '       2: bad usage or unreadable input',
  usage: '[--format auto|mrz|aamva] [--json] < scanner-output',
  async run(args: readonly string[], io: CliIo) {
    const { values } = parseOptions(args, {
      format: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
    });
    const format = values.format as FormatChoice;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format must be auto, mrz or aamva, not "${values.format}"`);
    const input = await readStdin(io.stdin);
    const result = parseDocument(input, { format });
    if (!result.ok) throw new UsageError(`unreadable document: ${result.error.message}`);
    // The §10 shape is JSON already, so --json changes nothing; it is accepted like everywhere else.
    writeJson(io.stdout, result.value);
    if (result.value.valid) return EXIT.ok;
    const failed = Object.entries(result.value.checks)
      .filter(([, holds]) => !holds)
      .map(([name]) => name);
    writeLine(io.stderr, `ogas id: check digit failed: ${failed.join(', ')} (ICAO 9303-3 §4.9)`);
    return EXIT.fault;
  },
};

export const idCommands: CommandGroup = {
  kind: 'group',
  summary: 'identity documents: parse what a scanner read',
  commands: { parse },
};
