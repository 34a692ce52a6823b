import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = `${ROOT}drivers/id-scanner/fixtures/`;

/** Runs `node bin/ogas.mjs id parse ...` with `input` on stdin. */
function ogasIdParse(args: readonly string[], input: Uint8Array | string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ogas.mjs', 'id', 'parse', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`);

describe('ogas id parse (spawned, stdin)', () => {
  it('prints the DESIGN §10 shape for an MRZ and exits 0 when every check digit holds', async () => {
    const r = await ogasIdParse([], fixture('td3-uto-specimen.mrz'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      format: 'mrz-td3',
      documentType: 'P',
      issuingState: 'UTO',
      documentNumber: 'L898902C3',
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      nationality: 'UTO',
      birthDate: '1974-08-12',
      sex: 'F',
      expiryDate: '2012-04-15',
      valid: true,
      checks: {
        documentNumber: true,
        birthDate: true,
        expiryDate: true,
        personalNumber: true,
        composite: true,
      },
    });
  });

  it('reads AAMVA bytes with --format aamva and auto-detection alike', async () => {
    for (const args of [[], ['--format', 'aamva'], ['--format', 'auto', '--json']]) {
      const r = await ogasIdParse(args, fixture('ca-on-v08-dl.aamva'));
      expect(r.code, args.join(' ')).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        format: 'aamva',
        issuingState: 'CAN-ON',
        birthDate: '1990-04-23',
        valid: true,
        checks: {},
      });
    }
  });

  it('exits 1 with valid: false when a check digit fails, naming the checks on stderr', async () => {
    const r = await ogasIdParse(['--format', 'mrz'], fixture('td3-bad-birth-check.mrz'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: false,
      checks: { birthDate: false, composite: false },
    });
    expect(r.stderr).toMatch(/check digit failed: birthDate, composite/);
  });

  it('exits 2 with the reason for unreadable input, a wrong --format, or an unknown option', async () => {
    const garbage = await ogasIdParse([], 'hello world\n');
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/unreadable document: not an identity document/);
    const wrongKind = await ogasIdParse(['--format', 'mrz'], fixture('us-va-v10-dl.aamva'));
    expect(wrongKind.code).toBe(2);
    const wrongAamva = await ogasIdParse(['--format', 'aamva'], fixture('td1-uto-specimen.mrz'));
    expect(wrongAamva.code).toBe(2);
    expect(wrongAamva.stderr).toMatch(/starts with the compliance indicator @/);
    const badFlag = await ogasIdParse(['--format', 'pdf'], '');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--format must be auto, mrz or aamva/);
    const unknown = await ogasIdParse(['--bogus'], '');
    expect(unknown.code).toBe(2);
    const empty = await ogasIdParse([], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no data was read/);
  });

  it('documents the exit codes in its help', async () => {
    const r = await ogasIdParse(['--help'], '');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/exit 0: read, every check digit holds; 1: read, but a check digit fails/);
  });
});
