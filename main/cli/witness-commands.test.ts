import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseAddCheckpointResponse,
  parseVkey,
  verifyCosignature,
  checkpoint,
} from '../../protocol/checkpoint';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { witnessKeyFileText as demoWitnessKeyFileText } from '../election-demo/key-files';
import { parseWitnessKeyFile } from '../../ledger/witness/witness-key';
import { testSigner, TestLog } from '../../ledger/witness/witness-test-log';
import { encodeVkey } from '../../protocol/checkpoint';
import { main } from './main';
import type { CliIo } from './command';

function io(signal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const value: CliIo = { stdout, stderr, stdin: new PassThrough(), stopSignal: signal };
  return { io: value, out: () => out, err: () => errText };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ogas-witness-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ogas witness', () => {
  it('keygen writes a key file (mode 0600) and prints its vkey; never overwrites', async () => {
    const out = join(dir, 'w.key.json');
    const a = io();
    expect(await main(['witness', 'keygen', '--name', 'witness.example/w1', '--out', out], a.io)).toBe(0);
    const vkey = parseVkey(a.out().trim());
    expect(vkey.ok).toBe(true);
    const key = parseWitnessKeyFile(await readFile(out, 'utf8'), 'witness.example/w1');
    expect(key.ok && key.value.vkey).toBe(a.out().trim());
    const b = io();
    expect(await main(['witness', 'keygen', '--name', 'w2', '--out', out], b.io)).toBe(2);
    expect(b.err()).toMatch(/already exists/);
    expect(await main(['witness', 'keygen', '--name', 'has space', '--out', join(dir, 'x')], io().io)).toBe(
      2,
    );
  });

  it('reads the key files `ogas election demo` writes for its witnesses', () => {
    const keys = mlDsaKeygen(44);
    const parsed = parseWitnessKeyFile(demoWitnessKeyFileText('witness-1.demo', keys), 'witness-1.demo');
    expect(parsed.ok).toBe(true);
    expect(parseWitnessKeyFile(demoWitnessKeyFileText('witness-1.demo', keys), 'other').ok).toBe(false);
  });

  it('serve answers add-checkpoint for the logs given by --logs, until stopped', async () => {
    const keyPath = join(dir, 'w.key.json');
    expect(await main(['witness', 'keygen', '--name', 'w1', '--out', keyPath], io().io)).toBe(0);
    const log = new TestLog(testSigner('log.example/e1')).grow(3);
    const logsPath = join(dir, 'logs.txt');
    await writeFile(logsPath, `# the election log\n${encodeVkey(log.origin, log.signer.publicKey)}\n`);
    const stop = new AbortController();
    const run = io(stop.signal);
    const statePath = join(dir, 'state.json');
    const done = main(
      ['witness', 'serve', '--key', keyPath, '--name', 'w1', '--logs', logsPath, '--state', statePath],
      run.io,
    );
    for (let i = 0; i < 200 && !run.out().includes('listening on'); i++)
      await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(run.out())?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: log.request(0) });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const sigs = parseAddCheckpointResponse(text);
    const wkey = parseVkey(/vkey\s+(\S+)/.exec(run.out())![1]!);
    if (!sigs.ok || !wkey.ok) throw new Error('unparseable answer');
    expect(verifyCosignature(sigs.value[0]!, wkey.value, checkpoint(log.origin, 3, log.tree.root())).ok).toBe(
      true,
    );
    stop.abort();
    expect(await done).toBe(0);
    expect(run.err()).toMatch(/"id":"witness.cosigned"/);
  });

  it('serve refuses to start without a log to witness, or with a key for another name', async () => {
    const keyPath = join(dir, 'w.key.json');
    expect(await main(['witness', 'keygen', '--name', 'w1', '--out', keyPath], io().io)).toBe(0);
    const a = io();
    expect(await main(['witness', 'serve', '--key', keyPath, '--name', 'w1'], a.io)).toBe(2);
    expect(a.err()).toMatch(/no log to witness/);
    const b = io();
    const vkey = encodeVkey('log.example/e1', testSigner('log.example/e1').publicKey);
    expect(await main(['witness', 'serve', '--key', keyPath, '--name', 'w9', '--log', vkey], b.io)).toBe(2);
    expect(b.err()).toMatch(/not "w9"/);
  });
});
