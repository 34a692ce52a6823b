import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { EmulatedHsm } from './emulated-hsm';
import { EMULATED_HSM_KEY_KIND } from './emulated-hsm-key-file';
import { KIOSK_KEY_PURPOSE } from './sealed-blob';

const PIN = '24680';
const dir = mkdtempSync(join(tmpdir(), 'ogas-emulated-hsm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const binding = { kioskId: 'ab'.repeat(32), purpose: KIOSK_KEY_PURPOSE };
const secret = new Uint8Array(64).map((_, i) => i);

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`expected ok: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe('EmulatedHsm with a key file (a demo kept across restarts)', () => {
  it('writes the key once (0600, marked emulated) and unseals after a restart', async () => {
    const file = join(dir, 'restart', 'emulated-hsm-key.json');
    const first = must(EmulatedHsm.withKeyFile({ pin: PIN }, file));
    expect(first.hasSealingKey()).toBe(false);
    must(await first.unlock(PIN));
    expect(must(await first.sealingKey())).toBeNull();
    must(await first.createSealingKey());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ v: 1, kind: EMULATED_HSM_KEY_KIND, keyLabel: first.keyLabel });
    expect(text).toMatch(/EMULATED HSM/);
    const blob = must(await first.seal(secret, binding));
    await first.close();

    const second = must(EmulatedHsm.withKeyFile({ pin: PIN }, file));
    expect(second.hasSealingKey()).toBe(true);
    expect((await second.unseal(blob, binding)).ok).toBe(false); // locked until the PIN
    expect(!(await second.unlock('11111')).ok).toBe(true);
    must(await second.unlock(PIN));
    expect(toHex(must(await second.unseal(blob, binding)))).toBe(toHex(secret));
    const again = await second.createSealingKey();
    expect(!again.ok && again.error.kind).toBe('key-exists');
    expect(readFileSync(file, 'utf8')).toBe(text);
    const d = await second.diagnostics();
    expect(d.real).toBe(false);
    expect(d.identity?.description).toContain(file);
    expect(d.advice.join(' ')).toMatch(/protects nothing/);
  });

  it('an in-memory HSM cannot unseal what another sealed', async () => {
    const a = new EmulatedHsm({ pin: PIN, withKey: true });
    const b = new EmulatedHsm({ pin: PIN, withKey: true });
    must(await a.unlock(PIN));
    must(await b.unlock(PIN));
    const blob = must(await a.seal(secret, binding));
    const r = await b.unseal(blob, binding);
    expect(!r.ok && r.error.kind).toBe('blob-refused');
    expect((await a.diagnostics()).identity?.description).toMatch(/process memory/);
  });

  it('refuses a file that is not a key file, or one for another key label, naming the file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"v":1');
    const notJson = EmulatedHsm.withKeyFile({ pin: PIN }, bad);
    expect(!notJson.ok && notJson.error).toMatch(/bad\.json cannot be read as JSON/);
    writeFileSync(
      bad,
      JSON.stringify({ v: 1, kind: EMULATED_HSM_KEY_KIND, warning: '', keyLabel: 'x', aes256: 'zz' }),
    );
    const notKey = EmulatedHsm.withKeyFile({ pin: PIN }, bad);
    expect(!notKey.ok && notKey.error).toMatch(/bad\.json is not an emulated HSM key file \(aes256: /);
    writeFileSync(
      bad,
      JSON.stringify({
        v: 1,
        kind: EMULATED_HSM_KEY_KIND,
        warning: '',
        keyLabel: 'other',
        aes256: 'ab'.repeat(32),
      }),
    );
    const other = EmulatedHsm.withKeyFile({ pin: PIN }, bad);
    expect(!other.ok && other.error).toMatch(/holds the key "other", not "ogas-kiosk-seal-v1"/);
  });

  it('reports a key file it cannot write as an HSM failure, and keeps no key', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const hsm = must(EmulatedHsm.withKeyFile({ pin: PIN }, join(blocker, 'key.json')));
    must(await hsm.unlock(PIN));
    const r = await hsm.createSealingKey();
    expect(!r.ok && r.error).toMatchObject({ kind: 'pkcs11', error: { kind: 'device-error' } });
    expect(!r.ok && r.error.message).toMatch(/could not write its key file .*not-a-folder/);
    expect(hsm.hasSealingKey()).toBe(false);
  });
});
