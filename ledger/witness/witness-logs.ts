/**
 * Which logs a witness witnesses (C2SP tlog-witness, "Introduction": "Each witness is configured with
 * a list of supported log public keys"; a log is "uniquely identified by its origin line"). Since the
 * log signs its checkpoints as the cosigner named by its origin (DESIGN §6), one C2SP vkey names both
 * the origin and the key: `ogas witness serve --log <vkey>` (repeatable) or `--logs FILE`, a file of
 * vkeys, one per line, with blank lines and `#` comments allowed, e.g. the demo's `ledger/log.vkey`.
 */
import { parseVkey, type CosignerKey } from '../../protocol/checkpoint';
import { err, ok, type Result } from '../../protocol/result';

/** Parses a logs file; every bad line is named. */
export function parseLogsFile(text: string, where = 'logs file'): Result<CosignerKey[], string[]> {
  const keys: CosignerKey[] = [];
  const problems: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const key = parseVkey(line);
    if (key.ok) keys.push(key.value);
    else problems.push(`${where} line ${i + 1}: ${key.error}`);
  }
  return problems.length > 0 ? err(problems) : ok(keys);
}

/** Parses `--log` values and `--logs` file texts into the witnessed logs; at least one is required. */
export function collectWitnessedLogs(
  vkeys: readonly string[],
  files: readonly { readonly path: string; readonly text: string }[],
): Result<CosignerKey[], string[]> {
  const keys: CosignerKey[] = [];
  const problems: string[] = [];
  for (const v of vkeys) {
    const key = parseVkey(v.trim());
    if (key.ok) keys.push(key.value);
    else problems.push(`--log: ${key.error}`);
  }
  for (const f of files) {
    const parsed = parseLogsFile(f.text, f.path);
    if (parsed.ok) keys.push(...parsed.value);
    else problems.push(...parsed.error);
  }
  if (problems.length === 0 && keys.length === 0) {
    problems.push(
      'no log to witness: give --log <vkey> (the log key of the election package) or --logs FILE',
    );
  }
  return problems.length > 0 ? err(problems) : ok(keys);
}
