/**
 * What an election package's signatures and id cover (DESIGN §4): the JCS of the package WITHOUT
 * `signatures`; `electionId` is its hex SHA-256. Entry 0 of the election's log is the JCS of the
 * package WITH its signatures. All three are computed over the package as given (not with parser
 * defaults filled in), so that a default never changes what the authorities signed.
 */
import { sha256Hex } from '../hash';
import { canonicalBytes } from '../jcs';
import type { ElectionId, ElectionPackageInput } from './schema';

function withoutSignatures(pkg: ElectionPackageInput): Omit<ElectionPackageInput, 'signatures'> {
  const { signatures: _signatures, ...rest } = pkg;
  return rest;
}

/** The bytes each authority signs (context ogas-election-v1). */
export function packageSigningBytes(pkg: ElectionPackageInput): Uint8Array {
  return canonicalBytes(withoutSignatures(pkg));
}

export function electionIdOf(pkg: ElectionPackageInput): ElectionId {
  return sha256Hex(packageSigningBytes(pkg)) as ElectionId;
}

/** Entry 0 of the log and `election.json` of an export: JCS of the package with its signatures. */
export function packageEntryBytes(pkg: ElectionPackageInput): Uint8Array {
  return canonicalBytes(pkg);
}
