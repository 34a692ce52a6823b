import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkpoint,
  cosignerKey,
  parseAddCheckpointResponse,
  parseSignedNote,
  verifyCheckpointQuorum,
  verifyCosignature,
  withSignatures,
  encodeSignedNote,
  TREE_SIZE_CONTENT_TYPE,
} from '../../protocol/checkpoint';
import { encodeVkey } from '../../protocol/checkpoint';
import { startWitness, type RunningWitness } from './witness-server';
import { testSigner, TestLog } from './witness-test-log';
import type { WitnessKey } from './witness-key';

const witnessSigner = testSigner('witness.test/w1');
const witnessKey: WitnessKey = {
  signer: witnessSigner,
  vkey: encodeVkey(witnessSigner.name, witnessSigner.publicKey),
};
const logSigner = testSigner('log.test/election');

let dir: string;
let statePath: string;
const running: RunningWitness[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ogas-witness-'));
  statePath = join(dir, 'state.json');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.close()));
  await rm(dir, { recursive: true, force: true });
});

async function start(path = statePath, clockSeconds = 1_900_000_100): Promise<RunningWitness> {
  const w = await startWitness({
    key: witnessKey,
    logs: [cosignerKey(logSigner.name, logSigner.publicKey)],
    statePath: path,
    clock: () => clockSeconds * 1000,
  });
  running.push(w);
  return w;
}

async function post(w: RunningWitness, body: string | Uint8Array) {
  const res = await fetch(`${w.url}/add-checkpoint`, {
    method: 'POST',
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** Checks a 200 answer is this witness's valid cosignature on `log`'s checkpoint of `size`. */
function expectCosigned(answer: { status: number; text: string }, log: TestLog, size: number): void {
  expect(answer.status, answer.text).toBe(200);
  const sigs = parseAddCheckpointResponse(answer.text);
  expect(sigs.ok).toBe(true);
  if (!sigs.ok) return;
  expect(sigs.value).toHaveLength(1);
  const cp = checkpoint(log.origin, size, log.tree.root(size));
  const verified = verifyCosignature(
    sigs.value[0]!,
    cosignerKey(witnessSigner.name, witnessSigner.publicKey),
    cp,
  );
  expect(verified.ok).toBe(true);
  if (verified.ok) expect(verified.value.timestamp).toBe(1_900_000_100);
}

describe('ogas witness: C2SP tlog-witness add-checkpoint', () => {
  it('cosigns a first checkpoint (old 0, no proof), then a consistent larger one, and keeps the state on disk', async () => {
    const w = await start();
    const log = new TestLog(logSigner).grow(5);
    expectCosigned(await post(w, log.request(0)), log, 5);
    log.grow(13);
    expectCosigned(await post(w, log.request(5)), log, 13);
    // The same checkpoint again: same size, same root, empty proof.
    expectCosigned(await post(w, log.request(13)), log, 13);
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { logs: Record<string, { size: number }> };
    expect(state.logs[log.origin]?.size).toBe(13);
    expect(w.latest(log.origin)?.size).toBe(13);
  });

  it('answers 409 with its size as text/x.tlog.size when old is not the size it cosigned', async () => {
    const w = await start();
    const log = new TestLog(logSigner).grow(7);
    expectCosigned(await post(w, log.request(0)), log, 7);
    log.grow(9);
    const stale = await post(w, log.request(0, 9));
    expect(stale.status).toBe(409);
    expect(stale.type).toBe(TREE_SIZE_CONTENT_TYPE);
    expect(stale.text).toBe('7\n');
    const ahead = await post(w, log.request(8, 9));
    expect(ahead.status).toBe(409);
    expect(ahead.text).toBe('7\n');
  });

  it('keeps its state across a restart: a restarted witness still refuses to go back', async () => {
    const first = await start();
    const log = new TestLog(logSigner).grow(10);
    expectCosigned(await post(first, log.request(0)), log, 10);
    await first.close();
    const second = await start();
    expect(second.latest(log.origin)?.size).toBe(10);
    const fresh = await post(second, new TestLog(logSigner).grow(3).request(0));
    expect(fresh.status).toBe(409);
    expect(fresh.text).toBe('10\n');
    log.grow(12);
    expectCosigned(await post(second, log.request(10)), log, 12);
  });

  it('catches a split view: two parties shown two different trees of one log; the second is refused', async () => {
    const w = await start();
    // The log shows party A a tree, and party B a tree that shares the first 6 leaves, then differs.
    const viewA = new TestLog(logSigner, 'a').grow(10);
    const viewB = new TestLog(logSigner, 'a').grow(6);
    for (let i = 6; i < 12; i++) viewB.append(`b:${i}`);
    expect(Buffer.from(viewA.tree.root(6))).toEqual(Buffer.from(viewB.tree.root(6)));

    // Party A's checkpoint is cosigned: A can show a quorum-cosigned checkpoint.
    const answerA = await post(w, viewA.request(0));
    expectCosigned(answerA, viewA, 10);
    const trust = {
      log: viewA.key,
      witnesses: [cosignerKey(witnessSigner.name, witnessSigner.publicKey)],
      quorum: 1,
    };
    const noteA = parseSignedNote(viewA.note());
    const sigsA = parseAddCheckpointResponse(answerA.text);
    if (!noteA.ok || !sigsA.ok) throw new Error('unparseable');
    expect(verifyCheckpointQuorum(encodeSignedNote(withSignatures(noteA.value, sigsA.value)), trust).ok).toBe(
      true,
    );

    // Party B's view, pushed with a proof from the size the witness holds (computed over B's tree).
    const larger = await post(w, viewB.request(10, 12));
    expect(larger.status).toBe(422);
    expect(larger.text).toMatch(/not consistent with size 10/);
    // B's view at the very same size: another root for size 10.
    const sameSize = await post(w, viewB.request(10, 10));
    expect(sameSize.status).toBe(409);
    expect(sameSize.text).toMatch(/two views/);
    // Party B never gets a cosigned checkpoint: without the quorum a client refuses B's view.
    expect(verifyCheckpointQuorum(viewB.note(12), trust).ok).toBe(false);
    // The witness kept A's state and both refused requests as evidence, with the checkpoint they contradict.
    expect(w.latest(viewA.origin)?.size).toBe(10);
    const evidence = (await readFile(`${statePath}.evidence.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { reason: string; cosigned: { size: number; note: string }; request: string },
      );
    expect(evidence).toHaveLength(2);
    expect(evidence[0]!.cosigned.note).toBe(viewA.note());
    expect(evidence[0]!.request).toBe(viewB.request(10, 12));
    expect(evidence[1]!.reason).toBe('two roots for size 10');
  });

  it('refuses a rollback: a smaller tree after a larger one', async () => {
    const w = await start();
    const log = new TestLog(logSigner).grow(20);
    expectCosigned(await post(w, log.request(0)), log, 20);
    // Old size 20, checkpoint of 15: old larger than the checkpoint is a 400 (spec).
    const smaller = await post(w, `old 20\n\n${log.note(15)}`);
    expect(smaller.status).toBe(400);
    expect(smaller.text).toMatch(/old size 20 is larger than the checkpoint size 15/);
    // Pretending to start over is a 409 carrying the size it must continue from.
    const over = await post(w, log.request(0, 15));
    expect(over.status).toBe(409);
    expect(over.text).toBe('20\n');
    expect(w.latest(log.origin)?.size).toBe(20);
  });

  it('answers 404 for a log it does not witness and 403 when no trusted signature verifies', async () => {
    const w = await start();
    const other = new TestLog(testSigner('other.test/log')).grow(3);
    expect((await post(w, other.request(0))).status).toBe(404);
    // Same origin name, another key: the signature line is from an unknown key, so nothing verifies.
    const impostor = new TestLog(testSigner(logSigner.name, 'impostor')).grow(3);
    const forbidden = await post(w, impostor.request(0));
    expect(forbidden.status).toBe(403);
    expect(w.latest(logSigner.name)).toBeUndefined();
  });

  it('answers 400 to garbage and stays up', async () => {
    const w = await start();
    const log = new TestLog(logSigner).grow(4);
    const good = log.request(0);
    const bodies: (string | Uint8Array)[] = [
      '',
      'hello',
      'old x\n\n',
      'old 01\n\n' + log.note(),
      'old 0\n' + log.note(), // no empty line
      'old 0\nAAAA\n\n' + log.note(), // proof line that is not a 32-byte hash
      'old 0\n\nnot a note\n',
      good.replace('\n\n', '\n\u0001\n'),
      new Uint8Array([0xff, 0xfe, 0x00, 0x0a, 0x0a]),
      good.slice(0, good.length - 10),
    ];
    for (const body of bodies) {
      const answer = await post(w, body);
      expect(answer.status, `${JSON.stringify(String(body).slice(0, 30))} → ${answer.text}`).toBe(400);
    }
    const huge = await post(w, 'x'.repeat(5_000_000));
    expect(huge.status).toBe(413);
    expect((await fetch(`${w.url}/add-checkpoint`)).status).toBe(405);
    expect((await fetch(`${w.url}/nowhere`, { method: 'POST', body: good })).status).toBe(404);
    expectCosigned(await post(w, good), log, 4);
  });

  it('answers 500 and cosigns nothing when it cannot persist the new checkpoint', async () => {
    const w = await start(join(dir, 'missing-folder', 'state.json'));
    const log = new TestLog(logSigner).grow(2);
    const answer = await post(w, log.request(0));
    expect(answer.status).toBe(500);
    expect(answer.text).not.toMatch(/—/);
    expect(w.latest(log.origin)).toBeUndefined();
  });

  it('refuses to start from a damaged state file rather than forget what it cosigned', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(statePath, '{"v":1,"logs":{"x":{"size":-1}}}');
    await expect(start()).rejects.toThrow(/damaged/);
  });
});
