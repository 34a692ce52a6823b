import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { parseTrustFileText, type TrustFile } from '../../protocol/election';
import { canonicalJson } from '../../protocol/jcs';
import { buildDemoElection, type DemoElection } from '../election-demo';
import { readElectionFiles, verifyElectionFiles, type ElectionFiles } from './election-files';

const HOUR = 3_600_000;
const NOW = new Date('2031-03-01T12:00:00Z');
let demo: DemoElection;
let trust: TrustFile;
let dir: string;

const file = (path: string) => demo.files.find((f) => f.path === path)!.content;

beforeAll(async () => {
  demo = await buildDemoElection({
    seed: 'provisioning-files',
    perStyle: 1,
    now: NOW,
    opens: new Date(NOW.getTime() - HOUR),
    closes: new Date(NOW.getTime() + HOUR),
  });
  const t = parseTrustFileText(file('authority-trust.json'));
  if (!t.ok) throw new Error('demo trust file');
  trust = t.value;
  dir = mkdtempSync(join(tmpdir(), 'ogas-prov-'));
  await mkdir(join(dir, 'usb'));
  await writeFile(join(dir, 'usb', 'election.json'), file('election.json'));
  await writeFile(join(dir, 'usb', 'provisioning-bundle.json'), file('provisioning-bundle.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(over: Partial<{ pkg: unknown; bundle: unknown }> = {}): ElectionFiles {
  const pkg = over.pkg ?? JSON.parse(file('election.json'));
  const bundle = over.bundle ?? JSON.parse(file('provisioning-bundle.json'));
  return {
    packagePath: '/usb/election.json',
    bundlePath: '/usb/provisioning-bundle.json',
    packageBytes: utf8(canonicalJson(pkg)),
    bundleBytes: utf8(JSON.stringify(bundle)),
  };
}

describe('loading an election package and bundle onto the kiosk', () => {
  it('reads a folder (a USB stick) and accepts a package signed 2 of 3 with its bundle', async () => {
    const read = await readElectionFiles(join(dir, 'usb'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const loaded = verifyElectionFiles(read.value, trust, NOW);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.value.election.electionId).toBe(demo.electionId);
      expect(loaded.value.signatures).toEqual({ valid: 2, required: 2 });
      expect(loaded.value.bundle.credentials.length).toBeGreaterThan(0);
    }
    const byFile = await readElectionFiles(join(dir, 'usb', 'election.json'));
    expect(byFile.ok && byFile.value.bundlePath).toBe(join(dir, 'usb', 'provisioning-bundle.json'));
  });

  it('names a missing folder or file', async () => {
    const none = await readElectionFiles(join(dir, 'nothing-here'));
    expect(none).toMatchObject({ ok: false, error: { code: 'io' } });
    const noBundle = await readElectionFiles(join(dir, 'usb'), join(dir, 'usb', 'missing.json'));
    expect(noBundle.ok).toBe(false);
    if (!noBundle.ok) expect(noBundle.error.message).toMatch(/missing\.json does not exist/);
  });

  it('refuses a package this kiosk trust file does not accept (m not reached)', () => {
    const r = verifyElectionFiles(files(), { ...trust, m: 3 }, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toMatch(/not signed by enough trusted authorities: 2 valid .* requires 3/);
  });

  it('refuses a package changed after it was signed', () => {
    const pkg = JSON.parse(file('election.json')) as { title: Record<string, string> };
    pkg.title = { ...pkg.title, en: 'Another election' };
    const r = verifyElectionFiles(files({ pkg }), trust, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues?.some((i) => /does NOT verify/.test(i.message))).toBe(true);
  });

  it('refuses a package that breaks the schema, naming the field', () => {
    const pkg = { ...JSON.parse(file('election.json')), extra: true };
    const r = verifyElectionFiles(files({ pkg }), trust, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('package');
      expect(r.error.issues?.length).toBeGreaterThan(0);
    }
  });

  it('refuses an election that is over (closes + drainHours passed)', () => {
    const later = new Date(NOW.getTime() + HOUR + 24 * HOUR);
    const r = verifyElectionFiles(files(), trust, later);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/This election is over/);
    expect(verifyElectionFiles(files(), trust, new Date(later.getTime() - 1)).ok).toBe(true);
  });

  it('refuses a bundle of another election, or naming a style the package lacks', () => {
    const bundle = JSON.parse(file('provisioning-bundle.json')) as {
      election: string;
      credentials: { style: string }[];
    };
    const other = verifyElectionFiles(files({ bundle: { ...bundle, election: 'f'.repeat(64) } }), trust, NOW);
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error.message).toMatch(/is for election f{64}/);
    const styled = structuredClone(bundle);
    styled.credentials[0]!.style = 'atlantis';
    const bad = verifyElectionFiles(files({ bundle: styled }), trust, NOW);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.issues).toContainEqual({
        path: 'bundle.credentials[0].style',
        message: 'is not a ballot style of the package',
      });
    const notJson = verifyElectionFiles({ ...files(), bundleBytes: utf8('{') }, trust, NOW);
    expect(notJson.ok).toBe(false);
  });
});
