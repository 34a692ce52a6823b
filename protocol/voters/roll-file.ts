/**
 * The roll file of `ogas election sample` and `ogas ledger serve --roll` (DESIGN §10): JSON lines, one
 * `{voterRef, country, style}` record per line, any order. Every bad line is named.
 */
import { fromUtf8 } from '../bytes';
import { err, ok, type Result } from '../result';
import { formatZodIssues } from '../election/zod-issues';
import { RollRecordSchema, type RollRecord } from './roll';

/** Parses roll JSON lines (a final newline is allowed, blank lines are not); every problem is listed. */
export function parseRollJsonLines(input: string | Uint8Array): Result<RollRecord[], string[]> {
  let text: string;
  try {
    text = typeof input === 'string' ? input : fromUtf8(input);
  } catch {
    return err(['the roll file is not valid UTF-8']);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: RollRecord[] = [];
  const problems: string[] = [];
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}`;
    if (line.trim() === '') {
      problems.push(`${where}: empty line`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      problems.push(`${where}: not JSON (${(e as Error).message})`);
      continue;
    }
    const parsed = RollRecordSchema.safeParse(value);
    if (!parsed.success) {
      for (const p of formatZodIssues(parsed.error.issues))
        problems.push(`${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
      continue;
    }
    records.push(parsed.data);
    if (problems.length > 100) break;
  }
  if (problems.length > 100) problems.splice(100, problems.length, 'further problems not listed');
  return problems.length > 0 ? err(problems) : ok(records);
}
