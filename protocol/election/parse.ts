/**
 * Parsing an election package (DESIGN §4): the closed schema, then every semantic check. Nothing
 * half-parsed comes out: either a LoadedElection or the list of every problem, each naming its field.
 */
import { fromUtf8 } from '../bytes';
import { parseCanonical } from '../jcs';
import { err, ok, type Result } from '../result';
import { electionIdOf, packageEntryBytes } from './election-id';
import type { Problem } from './problems';
import {
  ElectionPackageSchema,
  type ElectionId,
  type ElectionPackage,
  type ElectionPackageInput,
} from './schema';
import { checkPackageSemantics } from './semantic-checks';
import { formatZodIssues } from './zod-issues';

export interface LoadedElection {
  /** The package with defaults filled in: what kiosks, ledger and tally read. */
  readonly package: ElectionPackage;
  /** The package exactly as given: what is hashed and signed (election-id.ts). */
  readonly source: ElectionPackageInput;
  readonly electionId: ElectionId;
  /** Entry 0 of the log: JCS of the package with signatures. */
  readonly entryBytes: Uint8Array;
}

/** Validates a JSON value as an election package. */
export function parseElectionPackage(value: unknown): Result<LoadedElection, Problem[]> {
  const parsed = ElectionPackageSchema.safeParse(value);
  if (!parsed.success) return err(formatZodIssues(parsed.error.issues));
  const problems = checkPackageSemantics(parsed.data);
  if (problems.length > 0) return err(problems);
  const source = value as ElectionPackageInput;
  return ok({
    package: parsed.data,
    source,
    electionId: electionIdOf(source),
    entryBytes: packageEntryBytes(source),
  });
}

function decode(input: string | Uint8Array): Result<string, Problem[]> {
  if (typeof input === 'string') return ok(input);
  try {
    return ok(fromUtf8(input));
  } catch {
    return err([{ path: '', message: 'the package is not valid UTF-8', check: 'json' }]);
  }
}

/** A package file: any JSON text (pretty-printed is fine; only its JCS is ever hashed). */
export function parseElectionPackageText(input: string | Uint8Array): Result<LoadedElection, Problem[]> {
  const text = decode(input);
  if (!text.ok) return text;
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch (e) {
    return err([{ path: '', message: `the package is not JSON: ${(e as Error).message}`, check: 'json' }]);
  }
  return parseElectionPackage(value);
}

/** Entry 0 of a log or an export's election.json: must be exactly the package's JCS bytes. */
export function parseElectionPackageEntry(bytes: Uint8Array): Result<LoadedElection, Problem[]> {
  const text = decode(bytes);
  if (!text.ok) return text;
  const canonical = parseCanonical(text.value);
  if (!canonical.ok) return err([{ path: '', message: canonical.error, check: 'json' }]);
  return parseElectionPackage(canonical.value);
}
