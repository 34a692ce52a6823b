/**
 * `ogas receipt` (DESIGN §10): a voter's check that the ballot with their tracking code (DESIGN §5) is
 * on the log, with a verified inclusion proof under a witnessed checkpoint.
 *
 *   1. the election package: the voter's copy (--election) or entry 0 of the log, and entry 0's leaf
 *      hash on the log equal to the package's (the package fixes the log key, witnesses and quorum);
 *      with --authority, its m-of-n authority signatures too;
 *   2. the latest checkpoint: signed by the log key and cosigned by a quorum of the package's witnesses;
 *   3. GET /v1/lookup: the ledger says which leaf has the code; GET /v1/leaves: that leaf's hash, whose
 *      tracking code must be the code (the lookup is not trusted);
 *   4. GET /v1/proof/inclusion: the leaf is in the checkpoint's tree (RFC 9162 §2.1.3.2);
 *   5. after closes + drainHours, the ballot itself (GET /v1/entries), whose leaf hash must match.
 * The answer is yes only when 1–4 hold.
 */
import { fromBase64, isBase64, bytesEqual } from '../../protocol/bytes';
import {
  parseElectionPackageEntry,
  parseElectionPackageText,
  type LoadedElection,
} from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { formatTrackingCode, parseLeafData, parseTrackingCode, trackingCodeOf } from '../../protocol/entries';
import { leafHash, verifyInclusion } from '../../protocol/merkle';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { checkAuthoritySignatures, ledgerTrust } from './audit-setup';
import { checkCheckpoint, iso } from './checkpoints';
import { FaultList, formatFault } from './faults';

export class ReceiptInputError extends Error {
  override readonly name = 'ReceiptInputError';
}

export interface ReceiptCheck {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ReceiptReport {
  readonly code: string;
  readonly ledger: string;
  readonly onLog: boolean;
  readonly index: number | undefined;
  readonly checks: readonly ReceiptCheck[];
  /** The ballot's style and selections, once ballots are readable. */
  readonly ballot:
    { readonly style: string; readonly selections: Readonly<Record<string, readonly string[]>> } | undefined;
  readonly notes: readonly string[];
}

export interface ReceiptOptions {
  readonly url: string;
  readonly code: string;
  readonly packageText?: string | Uint8Array;
  readonly trustText?: string;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly bytes: Uint8Array;
}

async function get(base: string, path: string): Promise<Answer> {
  try {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, text: Buffer.from(bytes).toString('utf8'), bytes };
  } catch (e) {
    throw new ReceiptInputError(
      `the ledger at ${base} does not answer ${path.split('?')[0]}: ${(e as Error).message}`,
    );
  }
}

function json(a: Answer, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(a.text) as unknown;
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ReceiptInputError(`${what} answered ${a.status} without a JSON object: ${a.text.slice(0, 200)}`);
}

function hashes(a: Answer, field: string, what: string): Uint8Array[] | undefined {
  if (a.status !== 200) return undefined;
  const list = json(a, what)[field];
  if (!Array.isArray(list) || !list.every((h) => typeof h === 'string' && isBase64(h))) return undefined;
  return (list as string[]).map(fromBase64);
}

async function loadElection(
  base: string,
  packageText: ReceiptOptions['packageText'],
): Promise<LoadedElection> {
  if (packageText !== undefined) {
    const parsed = parseElectionPackageText(packageText);
    if (!parsed.ok)
      throw new ReceiptInputError(
        `the election package given is not valid: ${parsed.error.map(formatProblem).join('; ')}`,
      );
    return parsed.value;
  }
  const a = await get(base, '/v1/entries?start=0&end=1');
  if (a.status !== 200) {
    throw new ReceiptInputError(
      `the ledger does not serve its entry 0 (the election package) now (HTTP ${a.status}); give the package with --election FILE`,
    );
  }
  const nl = a.bytes.indexOf(0x0a);
  const parsed = parseElectionPackageEntry(nl < 0 ? a.bytes : a.bytes.subarray(0, nl));
  if (!parsed.ok)
    throw new ReceiptInputError(
      `entry 0 of the log is not an election package: ${parsed.error.map(formatProblem).join('; ')}`,
    );
  return parsed.value;
}

export async function checkReceipt(options: ReceiptOptions): Promise<ReceiptReport> {
  const code = parseTrackingCode(options.code);
  if (!code.ok) throw new ReceiptInputError(`that is not a tracking code: ${code.error}`);
  const base = options.url.replace(/\/+$/, '');
  const { verifier } = fastestMlDsaVerifier(nobleVerifier);
  const checks: ReceiptCheck[] = [];
  const notes: string[] = [];
  const check = (what: string, ok: boolean, detail: string) => checks.push({ what, ok, detail });
  const election = await loadElection(base, options.packageText);

  const leaf0 = hashes(await get(base, '/v1/leaves?start=0&end=1'), 'leaves', 'GET /v1/leaves');
  const same = leaf0?.length === 1 && bytesEqual(leaf0[0]!, leafHash(election.entryBytes));
  check(
    'election',
    same,
    same
      ? `entry 0 of this log is the package of election ${election.electionId}`
      : 'entry 0 of this log is not this election package',
  );
  if (options.trustText !== undefined) {
    const faults = new FaultList();
    const s = checkAuthoritySignatures(election, options.trustText, verifier, faults);
    check(
      'authorities',
      faults.count === 0,
      `${s.valid} valid authority signature(s), ${s.required} required${faults.count ? `: ${faults.sorted().map(formatFault).join('; ')}` : ''}`,
    );
  } else {
    notes.push(
      "the package's authority signatures were not checked (give the trust file with --authority TRUST)",
    );
  }

  const trust = ledgerTrust(election);
  const cpAnswer = await get(base, '/v1/checkpoint');
  const faults = new FaultList();
  const cp =
    cpAnswer.status === 200
      ? checkCheckpoint(cpAnswer.text, 'checkpoint', trust, verifier, faults)
      : undefined;
  const witnessed = cp !== undefined && cp.witnesses.length >= trust.quorum && faults.count === 0;
  check(
    'checkpoint',
    witnessed,
    cp
      ? `size ${cp.size}, signed by the log at ${iso(cp.logTime)}, cosigned by ${cp.witnesses.map((w) => w.name).join(', ') || 'no witness'} (quorum ${trust.quorum})`
      : `no valid checkpoint: ${
          faults
            .sorted()
            .map((f) => f.message)
            .join('; ') || `HTTP ${cpAnswer.status}`
        }`,
  );

  const found = await get(base, `/v1/lookup?code=${code.value}`);
  if (found.status === 404) {
    check('lookup', false, `the ledger has no ballot with the code ${formatTrackingCode(code.value)}`);
    return {
      code: formatTrackingCode(code.value),
      ledger: base,
      onLog: false,
      index: undefined,
      checks,
      ballot: undefined,
      notes,
    };
  }
  const index = json(found, 'GET /v1/lookup').index;
  if (found.status !== 200 || !Number.isSafeInteger(index) || (index as number) < 1) {
    throw new ReceiptInputError(`GET /v1/lookup answered ${found.status}: ${found.text.slice(0, 200)}`);
  }
  const at = index as number;
  const leaf = hashes(
    await get(base, `/v1/leaves?start=${at}&end=${at + 1}`),
    'leaves',
    'GET /v1/leaves',
  )?.[0];
  const codeMatches = leaf !== undefined && trackingCodeOf(leaf) === code.value;
  check(
    'leaf',
    codeMatches,
    codeMatches ? `leaf ${at} has this tracking code` : `leaf ${at}'s hash does not give this tracking code`,
  );

  if (cp && leaf && at < cp.size) {
    const proof = hashes(
      await get(base, `/v1/proof/inclusion?index=${at}&size=${cp.size}`),
      'proof',
      'GET /v1/proof/inclusion',
    );
    const verdict = proof
      ? verifyInclusion(at, cp.size, leaf, proof, cp.root)
      : { ok: false as const, error: 'no proof served' };
    const included = verdict.ok;
    check(
      'inclusion',
      included,
      included
        ? `RFC 9162 inclusion proof of leaf ${at} in the tree of ${cp.size} verifies`
        : `inclusion proof: ${verdict.ok ? '' : verdict.error}`,
    );
  } else {
    check(
      'inclusion',
      false,
      cp
        ? `leaf ${at} is not yet under the latest checkpoint (size ${cp.size}); try again later`
        : 'no checkpoint to prove inclusion under',
    );
  }

  let ballot: ReceiptReport['ballot'];
  const entry = await get(base, `/v1/entries?start=${at}&end=${at + 1}`);
  if (entry.status === 200 && leaf) {
    const data = entry.bytes.subarray(
      0,
      entry.bytes.indexOf(0x0a) < 0 ? entry.bytes.length : entry.bytes.indexOf(0x0a),
    );
    const parsed = parseLeafData(data);
    if (bytesEqual(leafHash(data), leaf) && parsed.ok && parsed.value.entry.type === 'ballot') {
      ballot = { style: parsed.value.entry.style, selections: parsed.value.entry.selections };
    } else {
      check('ballot', false, 'the ledger served other bytes than the leaf for this ballot');
    }
  } else {
    notes.push(
      'the ballot itself can be read only after closes + drainHours (DESIGN §6); its presence is proven above',
    );
  }
  return {
    code: formatTrackingCode(code.value),
    ledger: base,
    onLog: checks.every((c) => c.ok),
    index: at,
    checks,
    ballot,
    notes,
  };
}
