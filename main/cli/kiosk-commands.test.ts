import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'ogas-kiosk-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    stopSignal: AbortSignal.abort(),
  });
  return { code, out, err };
}

describe('ogas kiosk (usage and configuration refusals)', () => {
  it('needs --demo or --config, not both', async () => {
    expect((await run(['kiosk'])).code).toBe(2);
    const both = await run(['kiosk', '--demo', '--config', '/x.json']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/exclude each other/);
    expect((await run(['kiosk', '--demo', '--port', 'eighty'])).err).toMatch(
      /--port must be a TCP port number/,
    );
  });

  it('takes --fresh with --demo only', async () => {
    const r = await run(['kiosk', '--config', join(dir, 'x.json'), '--fresh']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--fresh is for --demo only/);
  });

  it('refuses an unreadable or invalid configuration file with exit 2, naming the field', async () => {
    expect((await run(['kiosk', '--config', join(dir, 'missing.json')])).err).toMatch(/cannot be read/);
    const path = join(dir, 'kiosk.json');
    writeFileSync(
      path,
      JSON.stringify({
        v: 1,
        dataDir: 'd',
        trustFile: 't',
        officialsCa: ['c'],
        scanners: [],
        controller: null,
      }),
    );
    const r = await run(['kiosk', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/pkcs11: /);
  });

  it('reports a trust file it cannot read with exit 1', async () => {
    const path = join(dir, 'kiosk2.json');
    writeFileSync(
      path,
      JSON.stringify({
        v: 1,
        dataDir: 'data',
        trustFile: 'no-such-trust.json',
        officialsCa: ['ca.pem'],
        pkcs11: { hsmTokenLabel: 'kiosk-hsm' },
        scanners: [],
        controller: null,
      }),
    );
    const r = await run(['kiosk', '--config', path]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the trust file .*no-such-trust\.json cannot be read/);
  });
});

describe('ogas kiosk --demo keeps its state across restarts', { timeout: 180_000 }, () => {
  const data = join(dir, 'demo');

  it('refuses a data folder left by an older demo, suggesting --fresh (exit 1)', async () => {
    mkdirSync(join(data, 'kiosk'), { recursive: true });
    writeFileSync(join(data, 'kiosk', 'kiosk.sqlite'), '');
    const r = await run(['kiosk', '--demo', '--port', '0', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/older version of the demo/);
    expect(r.err).toContain('ogas kiosk --demo --fresh');
  });

  it('--fresh starts over; the next start comes back locked and says how to unlock', async () => {
    const fresh = await run(['kiosk', '--demo', '--fresh', '--port', '0', '--data', data]);
    expect(fresh.code).toBe(0);
    expect(fresh.out).toMatch(/ready: polls opened/);
    expect(existsSync(join(data, 'demo-state.json'))).toBe(true);
    const again = await run(['kiosk', '--demo', '--port', '0', '--data', data, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out.trim())).toMatchObject({ resumed: true, locked: true, data });
    const text = await run(['kiosk', '--demo', '--port', '0', '--data', data]);
    expect(text.out).toMatch(/LOCKED/);
    expect(text.out).toMatch(/then enter the HSM PIN \d+/);
  });
});
