/**
 * Loading an election onto the kiosk (issue 6 "Provisioning"; DESIGN §4): read the signed package and
 * the provisioning bundle from a folder (a USB stick) or from two files, then check, in order:
 * the package's closed schema and semantic checks, at least m valid authority signatures by keys of
 * the kiosk's own trust file (given to the kiosk apart from the package), that the election is not
 * over (closes + drainHours still ahead), and that the bundle is for this election and names only its
 * ballot styles. Every refusal names the file and the field.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fromUtf8 } from '../../protocol/bytes';
import {
  checkPackageSignatures,
  parseElectionPackageText,
  type LoadedElection,
  type Problem,
  type TrustFile,
} from '../../protocol/election';
import { err, ok, type Result } from '../../protocol/result';
import { parseProvisioningBundle, type ProvisioningBundle } from '../../protocol/voters/provisioning-bundle';
import type { ElectionSummary, RpcError } from '../rpc/api';

export const PACKAGE_FILE = 'election.json';
export const BUNDLE_FILE = 'provisioning-bundle.json';
const MAX_PACKAGE_BYTES = 16 * 1024 * 1024;
const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
const HOUR = 3_600_000;

export interface ElectionFiles {
  readonly packagePath: string;
  readonly bundlePath: string;
  readonly packageBytes: Uint8Array;
  readonly bundleBytes: Uint8Array;
}

export interface LoadedProvisioning {
  readonly election: LoadedElection;
  readonly packageBytes: Uint8Array;
  readonly bundle: ProvisioningBundle;
  readonly bundleBytes: Uint8Array;
  readonly signatures: { readonly valid: number; readonly required: number };
}

const fail = (code: RpcError['code'], message: string, issues?: RpcError['issues']) =>
  err<RpcError>(issues ? { code, message, issues } : { code, message });

async function readCapped(path: string, max: number, what: string): Promise<Result<Uint8Array, RpcError>> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return fail('io', `${path} is not a file (${what})`);
    if (s.size > max) return fail('io', `${path} is ${s.size} bytes, more than a ${what} may be (${max})`);
    return ok(new Uint8Array(await readFile(path)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      'io',
      code === 'ENOENT'
        ? `${path} does not exist (${what})`
        : `${path} cannot be read (${what}): ${(e as Error).message}`,
    );
  }
}

/** A folder holding election.json and provisioning-bundle.json, or the package file (bundle beside it). */
export async function readElectionFiles(
  path: string,
  bundlePath?: string,
): Promise<Result<ElectionFiles, RpcError>> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    return fail('io', `${path} does not exist: give the folder of the election (or the package file)`);
  }
  const packagePath = isDir ? join(path, PACKAGE_FILE) : path;
  const bundle = bundlePath ?? join(isDir ? path : join(path, '..'), BUNDLE_FILE);
  const packageBytes = await readCapped(packagePath, MAX_PACKAGE_BYTES, 'election package');
  if (!packageBytes.ok) return packageBytes;
  const bundleBytes = await readCapped(bundle, MAX_BUNDLE_BYTES, 'provisioning bundle');
  if (!bundleBytes.ok) return bundleBytes;
  return ok({
    packagePath,
    bundlePath: bundle,
    packageBytes: packageBytes.value,
    bundleBytes: bundleBytes.value,
  });
}

function problemIssues(problems: readonly Problem[], prefix: string): { path: string; message: string }[] {
  return problems.map((p) => ({ path: p.path === '' ? prefix : `${prefix}.${p.path}`, message: p.message }));
}

/** Verifies what readElectionFiles read; `now` decides whether the election is over. */
export function verifyElectionFiles(
  files: ElectionFiles,
  trust: TrustFile,
  now: Date,
): Result<LoadedProvisioning, RpcError> {
  const parsed = parseElectionPackageText(files.packageBytes);
  if (!parsed.ok) {
    return fail(
      'package',
      `The election package ${files.packagePath} is refused: ${parsed.error.length} problem(s).`,
      problemIssues(parsed.error, 'package'),
    );
  }
  const election = parsed.value;
  const signatures = checkPackageSignatures(election, trust);
  if (!signatures.ok) {
    return fail(
      'package',
      `The election package is not signed by enough trusted authorities: ${signatures.error.valid.length} valid signature(s), this kiosk's trust file requires ${trust.m}.`,
      signatures.error.messages.map((m) => ({ path: 'package.signatures', message: m })),
    );
  }
  const { window } = election.package;
  const drainEnd = Date.parse(window.closes) + window.drainHours * HOUR;
  if (now.getTime() >= drainEnd) {
    return fail(
      'package',
      `This election is over: its window closed at ${window.closes} and ballots were accepted until ${new Date(drainEnd).toISOString()}.`,
    );
  }
  let bundleJson: unknown;
  try {
    bundleJson = JSON.parse(fromUtf8(files.bundleBytes));
  } catch (e) {
    return fail(
      'package',
      `The provisioning bundle ${files.bundlePath} is not JSON: ${(e as Error).message}`,
    );
  }
  const bundle = parseProvisioningBundle(bundleJson);
  if (!bundle.ok) {
    return fail(
      'package',
      `The provisioning bundle ${files.bundlePath} is refused.`,
      problemIssues(bundle.error, 'bundle'),
    );
  }
  if (bundle.value.election !== election.electionId) {
    return fail(
      'package',
      `The provisioning bundle is for election ${bundle.value.election}, not for this package (${election.electionId}).`,
    );
  }
  const styles = new Set(election.package.ballotStyles.map((s) => s.id));
  const unknown = bundle.value.credentials.findIndex((c) => !styles.has(c.style));
  if (unknown >= 0) {
    return fail(
      'package',
      `The provisioning bundle names ballot style "${bundle.value.credentials[unknown]!.style}", which the package does not have.`,
      [{ path: `bundle.credentials[${unknown}].style`, message: 'is not a ballot style of the package' }],
    );
  }
  return ok({
    election,
    packageBytes: files.packageBytes,
    bundle: bundle.value,
    bundleBytes: files.bundleBytes,
    signatures: { valid: signatures.value.valid.length, required: trust.m },
  });
}

export function electionSummary(
  election: LoadedElection,
  bundle: ProvisioningBundle | null,
  signatures: { valid: number; required: number },
  ledgerUrl: string,
): ElectionSummary {
  const pkg = election.package;
  return {
    electionId: election.electionId,
    title: pkg.title,
    languages: pkg.languages,
    window: pkg.window,
    mode: pkg.qualifications.voters.mode,
    ballotStyles: pkg.ballotStyles.length,
    contests: pkg.contests.length,
    signatures,
    ledgerUrl,
    credentials: bundle?.credentials.length ?? 0,
  };
}
