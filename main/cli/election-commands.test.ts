import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../protocol/jcs';
import type { CliIo } from './command';
import { main } from './main';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let demo: string;

/** Runs `ogas …` in-process with buffer streams. */
async function ogas(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), stopSignal: new AbortController().signal };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: errText };
}

const at = (name: string) => join(demo, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-election-cli-'));
  demo = join(dir, 'demo');
  const r = await ogas('election', 'demo', '--out', demo, '--seed', 'cli-test', '--per-style', '4');
  if (r.code !== 0) throw new Error(r.stderr);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ogas election demo', () => {
  it('writes the folder and says what it wrote', async () => {
    const index = JSON.parse(readFileSync(at('demo.json'), 'utf8'));
    expect(index.electionId).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(at('README.txt'), 'utf8')).toContain(index.electionId);
    const r = await ogas(
      'election',
      'demo',
      '--out',
      join(dir, 'json'),
      '--json',
      '--per-style',
      '1',
      '--k',
      '5',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ voters: 29, selected: 5 });
  });

  it('refuses a folder that already holds a demo, and bad options', async () => {
    const again = await ogas('election', 'demo', '--out', demo);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists: choose an empty folder/);
    expect((await ogas('election', 'demo', '--out', join(dir, 'x'), '--opens', 'tomorrow')).stderr).toMatch(
      /--opens must be an RFC 3339 date-time/,
    );
    expect((await ogas('election', 'demo')).stderr).toMatch(/--out is required/);
    const order = await ogas(
      'election',
      'demo',
      '--out',
      join(dir, 'y'),
      '--opens',
      '2030-05-02T00:00:00Z',
      '--closes',
      '2030-05-01T00:00:00Z',
    );
    expect(order).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--opens must be before --closes/),
    });
  });

  it('honours --opens and --closes', async () => {
    const out = join(dir, 'window');
    const r = await ogas(
      'election',
      'demo',
      '--out',
      out,
      '--per-style',
      '1',
      '--opens',
      '2030-05-01T08:00:00+02:00',
      '--closes',
      '2030-05-08T20:00:00+02:00',
    );
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(out, 'election.json'), 'utf8'));
    expect(pkg.window).toEqual({
      opens: '2030-05-01T06:00:00Z',
      closes: '2030-05-08T18:00:00Z',
      drainHours: 24,
    });
  });
});

describe('ogas election verify', () => {
  it('exits 0 on the demo package (spawned end to end)', async () => {
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          'bin/ogas.mjs',
          'election',
          'verify',
          '--package',
          at('election.json'),
          '--authority',
          at('authority-trust.json'),
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK: the package is valid and signed as the trust file requires');
  });

  it('exits 1 on a tampered package, naming the failing signatures', async () => {
    const pkg = JSON.parse(readFileSync(at('election.json'), 'utf8'));
    pkg.qualifications.minAge = 16;
    writeFileSync(join(dir, 'tampered.json'), canonicalJson(pkg));
    const r = await ogas(
      'election',
      'verify',
      '--package',
      join(dir, 'tampered.json'),
      '--authority',
      at('authority-trust.json'),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/signatures\[0\]: signature by trusted key [0-9a-f]{64} does NOT verify/);
    expect(r.stdout).toContain('only 0 valid signature(s); the trust file requires 2: refused');
    expect(r.stdout).toContain('FAILED');
  });

  it('exits 1 on a package that breaks the schema or a rule, naming each problem', async () => {
    const pkg = JSON.parse(readFileSync(at('election.json'), 'utf8'));
    pkg.ledger.quorum = 0;
    pkg.contests[0].colour = 'blue';
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(pkg, null, 2));
    const r = await ogas(
      'election',
      'verify',
      '--package',
      join(dir, 'broken.json'),
      '--authority',
      at('authority-trust.json'),
      '--json',
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'contests[0].colour: unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
      'ledger.quorum: must be a positive integer',
    ]);
    pkg.ledger.quorum = 3;
    delete pkg.contests[0].colour;
    writeFileSync(join(dir, 'quorum.json'), JSON.stringify(pkg));
    const q = await ogas(
      'election',
      'verify',
      '--package',
      join(dir, 'quorum.json'),
      '--authority',
      at('authority-trust.json'),
    );
    expect(q.code).toBe(1);
    expect(q.stdout).toContain('PROBLEM ledger.quorum: is 3 but only 2 witness(es) are listed');
  });

  it('exits 2 on unreadable input', async () => {
    const missing = await ogas(
      'election',
      'verify',
      '--package',
      join(dir, 'none.json'),
      '--authority',
      at('authority-trust.json'),
    );
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/cannot read package .*none.json: ENOENT/),
    });
    writeFileSync(join(dir, 'trust.json'), '{"keys":[],"m":1}');
    const trust = await ogas(
      'election',
      'verify',
      '--package',
      at('election.json'),
      '--authority',
      join(dir, 'trust.json'),
    );
    expect(trust).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/keys: must list at least one key/),
    });
    expect((await ogas('election', 'verify', '--package', at('election.json'))).code).toBe(2);
  });
});

describe('ogas election sign', () => {
  it('adds the third authority signature (canonical stays canonical), then refuses a second one', async () => {
    const out = join(dir, 'signed-3.json');
    const r = await ogas(
      'election',
      'sign',
      '--package',
      at('election.json'),
      '--key',
      at('authority/authority-3.key.json'),
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/signed by authority key [0-9a-f]{64}/);
    const text = readFileSync(out, 'utf8');
    expect(text).toBe(canonicalJson(JSON.parse(text)));
    const v = await ogas(
      'election',
      'verify',
      '--package',
      out,
      '--authority',
      at('authority-trust.json'),
      '--json',
    );
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).signatures.valid).toHaveLength(3);
    const twice = await ogas(
      'election',
      'sign',
      '--package',
      out,
      '--key',
      at('authority/authority-3.key.json'),
    );
    expect(twice).toMatchObject({ code: 1, stderr: expect.stringMatching(/already has a signature by key/) });
  });

  it('signs in place and keeps an indented file indented', async () => {
    const pkg = JSON.parse(readFileSync(at('election.json'), 'utf8'));
    pkg.signatures = [];
    const path = join(dir, 'pretty.json');
    writeFileSync(path, JSON.stringify(pkg, null, 2));
    for (const i of [2, 1]) {
      expect(
        (await ogas('election', 'sign', '--package', path, '--key', at(`authority/authority-${i}.key.json`)))
          .code,
      ).toBe(0);
    }
    expect(readFileSync(path, 'utf8')).toMatch(/^\{\n {2}"ballotStyles": \[/);
    expect(
      (await ogas('election', 'verify', '--package', path, '--authority', at('authority-trust.json'))).code,
    ).toBe(0);
  });

  it('refuses an invalid package (exit 1) and a bad key file (exit 2)', async () => {
    const pkg = JSON.parse(readFileSync(at('election.json'), 'utf8'));
    pkg.window.closes = pkg.window.opens;
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify(pkg));
    const r = await ogas(
      'election',
      'sign',
      '--package',
      join(dir, 'invalid.json'),
      '--key',
      at('authority/authority-3.key.json'),
    );
    expect(r).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/refusing to sign an invalid package:\n {2}window.closes: must be later/),
    });
    writeFileSync(join(dir, 'bad.key'), '{"v":1,"type":"ogas-authority-key"}');
    const k = await ogas('election', 'sign', '--package', at('election.json'), '--key', join(dir, 'bad.key'));
    expect(k).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not an authority key file: publicKey: is required/),
    });
  });
});

describe('ogas election sample', () => {
  const args = () => [
    'election',
    'sample',
    '--roll',
    at('roll.jsonl'),
    '--commits',
    at('sample/commits.json'),
    '--reveals',
    at('sample/reveals.json'),
  ];

  it("recomputes the package's selected voters", async () => {
    const k = readFileSync(at('sample/k.txt'), 'utf8').trim();
    const r = await ogas(...args(), '--k', k, '--json');
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(at('election.json'), 'utf8'));
    const out = JSON.parse(r.stdout);
    expect(out.selected).toEqual(pkg.qualifications.voters.selected);
    expect(out.rollRoot).toBe(pkg.qualifications.voters.rollRoot);
    const text = await ogas(...args(), '--k', k);
    expect(text.stdout.trim().split('\n').slice(4)).toEqual(
      out.selected.map((s: unknown) => canonicalJson(s)),
    );
  });

  it('names the party whose reveal does not match (exit 1)', async () => {
    const reveals = JSON.parse(readFileSync(at('sample/reveals.json'), 'utf8'));
    reveals[2] = '00'.repeat(32);
    writeFileSync(join(dir, 'reveals-bad.json'), JSON.stringify(reveals));
    const r = await ogas(
      'election',
      'sample',
      '--roll',
      at('roll.jsonl'),
      '--commits',
      at('sample/commits.json'),
      '--reveals',
      join(dir, 'reveals-bad.json'),
      '--k',
      '3',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reveal 3 does not match commit 3: party 3 revealed a different secret');
  });

  it('exits 2 on bad usage or an unreadable roll', async () => {
    expect((await ogas(...args())).stderr).toMatch(/--k is required/);
    expect((await ogas(...args(), '--k', '0')).stderr).toMatch(/--k must be a positive integer, not "0"/);
    writeFileSync(join(dir, 'roll-bad.jsonl'), '{"voterRef":"x","country":"FRA","style":"s"}\n');
    const r = await ogas(
      'election',
      'sample',
      '--roll',
      join(dir, 'roll-bad.jsonl'),
      '--commits',
      at('sample/commits.json'),
      '--reveals',
      at('sample/reveals.json'),
      '--k',
      '1',
    );
    expect(r).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/line 1: voterRef: must be 64 lowercase hex characters/),
    });
    writeFileSync(join(dir, 'commits-bad.json'), '{"a":1}');
    const c = await ogas(
      'election',
      'sample',
      '--roll',
      at('roll.jsonl'),
      '--commits',
      join(dir, 'commits-bad.json'),
      '--reveals',
      at('sample/reveals.json'),
      '--k',
      '1',
    );
    expect(c).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/must be a JSON array of hex strings/),
    });
  });
});
