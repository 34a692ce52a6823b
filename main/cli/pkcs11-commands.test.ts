import { spawnSync } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOFTHSM2_MODULE } from '../../drivers/pkcs11/pkcs11-host';
import { SoftHsmTestTokens } from '../../drivers/pkcs11/softhsm-test-tokens';
import { createTestCa, issueCardCertificate } from '../../drivers/pkcs11/test-ca';
import { main } from './main';

function io(stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  return {
    io: { stdout, stderr, stdin: Readable.from([stdin]), stopSignal: new AbortController().signal },
    out: () => out,
    err: () => errText,
  };
}

describe('ogas pkcs11', () => {
  let tokens: SoftHsmTestTokens;

  beforeEach(async () => {
    tokens = new SoftHsmTestTokens();
    const ca = await createTestCa('CLI test CA');
    tokens.importCard({
      label: 'card-a',
      pin: '123456',
      ...(await issueCardCertificate(ca, { commonName: 'A', role: 'voter' })),
    });
    tokens.initToken('kiosk-hsm', '24681357');
    tokens.activate();
  });
  afterEach(() => tokens.cleanup());

  it('tokens --json lists the module and tokens by label (in process)', async () => {
    const t = io();
    expect(await main(['pkcs11', 'tokens', '--module', SOFTHSM2_MODULE, '--json'], t.io)).toBe(0);
    const report = JSON.parse(t.out()) as {
      module: { manufacturer: string };
      tokens: { label: string; mlDsa: boolean }[];
    };
    expect(report.module.manufacturer).toBe('SoftHSM');
    expect(
      report.tokens
        .map((x) => x.label)
        .filter(Boolean)
        .sort(),
    ).toEqual(['card-a', 'kiosk-hsm']);
    expect(report.tokens.every((x) => !x.mlDsa)).toBe(true);
  });

  it('diagnostics unlocks the HSM with a PIN from stdin and runs its self-tests', async () => {
    const t = io('24681357\n');
    const code = await main(
      ['pkcs11', 'diagnostics', '--module', SOFTHSM2_MODULE, '--hsm-token', 'kiosk-hsm', '--hsm-pin-stdin'],
      t.io,
    );
    // The HSM has no sealing key yet: that self-test fails and says how to fix it (exit 1).
    expect(code).toBe(1);
    expect(t.out()).toMatch(/card-reader card-reader: present/);
    expect(t.out()).toMatch(/\[ok\] slot-list: 1 card\(s\) present/);
    expect(t.out()).toMatch(
      /\[FAIL\] sealing-key: The HSM has no sealing key "ogas-kiosk-seal-v1"\. Provision/,
    );
  });

  it('says what is wrong when the module cannot be loaded (exit 1)', async () => {
    const t = io();
    expect(await main(['pkcs11', 'tokens', '--module', '/nonexistent/lib.so'], t.io)).toBe(1);
    expect(t.err()).toMatch(/could not be loaded.*OpenSC, SoftHSM2/);
  });

  it('runs the worker thread under node bin/ogas.mjs too', () => {
    const r = spawnSync(process.execPath, ['bin/ogas.mjs', 'pkcs11', 'tokens', '--module', SOFTHSM2_MODULE], {
      env: { ...process.env, SOFTHSM2_CONF: tokens.confPath },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Implementation of PKCS11 2\.6 by SoftHSM/);
    expect(r.stdout).toMatch(
      /"card-a" {2}serial [0-9a-f]{16} {2}SoftHSM project SoftHSM v2 fw 2\.6 {2}PIN ok {2}ML-DSA no/,
    );
  });
});
