import { describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../../main/rpc/api';
import { status } from '../test-support/fixtures';
import type { CallResult, RpcClient } from './client';
import { StatusStore } from './status-store';

type Answer = { ok: true; value: KioskStatus } | { ok: false; code: 'offline' };

/** A client that answers status calls from a script, then stops the store. */
function scripted(answers: Answer[], onEnd: () => void) {
  const requests: { method: string; input: unknown }[] = [];
  const client: RpcClient = {
    call: (method, input) => {
      requests.push({ method, input });
      const next = answers.shift();
      if (!next) {
        onEnd();
        return Promise.resolve({ ok: false, error: { code: 'offline', message: 'end' } } as CallResult<
          typeof method
        >);
      }
      const result = next.ok ? next : { ok: false, error: { code: next.code, message: 'down' } };
      return Promise.resolve(result as CallResult<typeof method>);
    },
  };
  return { client, requests };
}

describe('StatusStore (long poll of main/rpc/README.md)', () => {
  it('gets the status, then watches after its revision', async () => {
    let store: StatusStore | undefined;
    const done = new Promise<void>((resolve) => {
      const { client, requests } = scripted(
        [
          { ok: true, value: status({ revision: 4 }) },
          { ok: true, value: status({ revision: 7, polls: 'paused' }) },
        ],
        () => {
          store!.stop();
          expect(requests.map((r) => r.method)).toEqual(['getStatus', 'watchStatus', 'watchStatus']);
          expect(requests[1]!.input).toEqual({ after: 4, timeoutMs: 1000 });
          expect(requests[2]!.input).toEqual({ after: 7, timeoutMs: 1000 });
          resolve();
        },
      );
      store = new StatusStore(client, { longPollMs: 1000, sleep: () => Promise.resolve() });
      store.start();
    });
    await done;
    expect(store!.getSnapshot().status?.polls).toBe('paused');
  });

  it('says offline when the backend does not answer, and online again when it does', async () => {
    const seen: string[] = [];
    let store: StatusStore | undefined;
    const done = new Promise<void>((resolve) => {
      const { client } = scripted(
        [
          { ok: false, code: 'offline' },
          { ok: false, code: 'offline' },
          { ok: true, value: status({ revision: 2 }) },
        ],
        () => {
          store!.stop();
          resolve();
        },
      );
      store = new StatusStore(client, { sleep: () => Promise.resolve() });
      store.subscribe(() => seen.push(store!.getSnapshot().connection));
      store.start();
    });
    await done;
    expect(seen.slice(0, 3)).toEqual(['offline', 'offline', 'online']);
  });

  it('measures the backend clock against the page clock', async () => {
    const { client } = scripted(
      [{ ok: true, value: status({ now: '2030-05-01T10:00:05.000Z' }) }],
      () => undefined,
    );
    const store = new StatusStore(client, { now: () => Date.parse('2030-05-01T10:00:00.000Z') });
    await store.refresh();
    expect(store.getSnapshot().clockOffsetMs).toBe(5000);
  });

  it('ignores an older status from a refresh that raced the watch', async () => {
    const { client } = scripted(
      [
        { ok: true, value: status({ revision: 9, polls: 'closed' }) },
        { ok: true, value: status({ revision: 8, polls: 'open' }) },
      ],
      () => undefined,
    );
    const store = new StatusStore(client);
    await store.refresh();
    await store.refresh();
    expect(store.getSnapshot().status?.revision).toBe(9);
    expect(store.getSnapshot().status?.polls).toBe('closed');
  });
});
