/**
 * A test election saved to a folder and read back, so that several processes (the benchmark's kiosk
 * builders) sign for the very same election: the package's electionId covers its CA certificates,
 * which are new on every createTestElection, so the election is made once and shared as files.
 *
 *   election.json  the package (JCS)          trust.json   the authority trust file
 *   roll.jsonl     the roll                   secrets.json log, witness and authority keys, official cards
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../../protocol/bytes';
import type { CosignerSigner } from '../../protocol/checkpoint';
import { parseElectionPackageEntry } from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { parseRollJsonLines, sortRoll } from '../../protocol/voters';
import type { OfficialCard, TestElection } from './test-election';

interface Secrets {
  readonly m: number;
  readonly log: { name: string; publicKey: string; secretKey: string };
  readonly witnesses: { name: string; publicKey: string; secretKey: string }[];
  readonly authorities: { publicKey: string; secretKey: string }[];
  readonly officials: { label: string; certificate: string; privateKeyPkcs8: string }[];
  readonly outsiders: string;
}

const signerJson = (s: CosignerSigner) => ({
  name: s.name,
  publicKey: toBase64(s.publicKey),
  secretKey: toBase64(s.secretKey),
});
const signerOf = (s: Secrets['log']): CosignerSigner => ({
  name: s.name,
  publicKey: fromBase64(s.publicKey),
  secretKey: fromBase64(s.secretKey),
});

export async function saveTestElection(dir: string, e: TestElection): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'election.json'), e.election.entryBytes);
  await writeFile(join(dir, 'trust.json'), e.trustText);
  await writeFile(join(dir, 'roll.jsonl'), e.rollText);
  const secrets: Secrets = {
    m: e.m,
    log: signerJson(e.logSigner),
    witnesses: e.witnessSigners.map(signerJson),
    authorities: e.authorities.map((a) => ({
      publicKey: toBase64(a.publicKey),
      secretKey: toBase64(a.secretKey),
    })),
    officials: e.officials.map((o) => ({
      label: o.label,
      certificate: toBase64(o.certificate),
      privateKeyPkcs8: toBase64(o.privateKeyPkcs8),
    })),
    outsiders: e.outsiders.map((r) => JSON.stringify(r)).join('\n'),
  };
  await writeFile(join(dir, 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 });
}

export async function loadTestElection(dir: string): Promise<TestElection> {
  const parsed = parseElectionPackageEntry(await readFile(join(dir, 'election.json')));
  if (!parsed.ok) throw new Error(`${dir}/election.json: ${parsed.error.map(formatProblem).join('; ')}`);
  const election = parsed.value;
  const pkg = election.package;
  const rollText = await readFile(join(dir, 'roll.jsonl'), 'utf8');
  const roll = parseRollJsonLines(rollText);
  if (!roll.ok) throw new Error(`${dir}/roll.jsonl: ${roll.error.join('; ')}`);
  const sorted = sortRoll(roll.value);
  if (!sorted.ok) throw new Error(sorted.error);
  const s = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as Secrets;
  const officials: OfficialCard[] = s.officials.map((o) => ({
    label: o.label,
    certificate: fromBase64(o.certificate),
    privateKeyPkcs8: fromBase64(o.privateKeyPkcs8),
  }));
  const v = pkg.qualifications.voters;
  const opensMs = Date.parse(pkg.window.opens);
  const closesMs = Date.parse(pkg.window.closes);
  return {
    election,
    source: election.source,
    trustText: await readFile(join(dir, 'trust.json'), 'utf8'),
    authorities: s.authorities.map((a) => ({
      publicKey: fromBase64(a.publicKey),
      secretKey: fromBase64(a.secretKey),
    })),
    m: s.m,
    logSigner: signerOf(s.log),
    witnessSigners: s.witnesses.map(signerOf),
    officials,
    roll: sorted.value,
    rollText,
    voters: v.mode === 'sample' ? v.selected : sorted.value,
    outsiders:
      s.outsiders === ''
        ? []
        : s.outsiders.split('\n').map((l) => JSON.parse(l) as TestElection['outsiders'][number]),
    opensMs,
    closesMs,
    drainEndMs: closesMs + pkg.window.drainHours * 3_600_000,
  };
}
