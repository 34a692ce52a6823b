/**
 * The kiosk process of the crash test: opens the store, unlocks the queue with the kiosk key, starts
 * the batcher, checks in and casts for each voter it is given, printing `CAST <code>` only after
 * `cast()` resolved (that is the moment the voter is told "cast"), then waits until what it built is
 * sent and witnessed, and exits. With `close`, it closes polls and waits until everything is witnessed. The test
 * kills it with SIGKILL at a random moment and starts it again.
 *
 *   node worker.mjs <job.json>
 */
import { readFileSync } from 'node:fs';
import { fromHex } from '../../protocol/bytes';
import { KioskQueue, memorySigner } from '../../main/queue';
import { Store } from '../../main/store';

export interface WorkerJob {
  readonly db: string;
  readonly ledgerUrl: string;
  readonly publicKey: string;
  readonly secretKey: string;
  readonly voters: readonly { readonly voterRef: string; readonly style: string }[];
  readonly close: boolean;
}

function say(line: string): void {
  // Pipes are synchronous on Linux: once this returns, the parent can read the line.
  process.stdout.write(`${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<number> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WorkerJob;
  const opened = Store.open(job.db);
  if (!opened.ok) {
    say(`FATAL ${opened.error}`);
    return 3;
  }
  const store = opened.value;
  const q = KioskQueue.open({
    store,
    ledgerUrl: job.ledgerUrl,
    backoff: { baseMs: 10, maxMs: 100 },
    witnessPollMs: 10,
    idlePollMs: 100,
  });
  if (!q.ok) {
    say(`FATAL ${q.error}`);
    return 3;
  }
  const queue = q.value;
  const unlocked = queue.unlock(
    memorySigner({ publicKey: fromHex(job.publicKey), secretKey: fromHex(job.secretKey) }),
  );
  if (!unlocked.ok) {
    say(`FATAL ${unlocked.error}`);
    return 3;
  }
  queue.start();
  say('READY');
  for (const v of job.voters) {
    const admitted = await queue.checkIn(v.voterRef, v.style);
    if (!admitted.ok) {
      say(`CHECKIN ${admitted.error.kind}`);
      continue;
    }
    const cast = await queue.cast({ style: v.style, selections: { proposal: ['yes'] } });
    if (!cast.ok) {
      say(`CASTFAIL ${cast.error.kind} ${cast.error.message}`);
      continue;
    }
    say(`CAST ${cast.value.code}`);
  }
  if (job.close) {
    for (let attempt = 0; ; attempt++) {
      const closed = await queue.closePolls();
      if (closed.ok) {
        say(`CLOSED ${JSON.stringify(closed.value)}`);
        break;
      }
      if (attempt > 200) {
        say(`FATAL close: ${closed.error.message}`);
        return 1;
      }
      await sleep(50);
    }
  }
  // Bounded wait for the batcher: sent (and, at close, witnessed).
  for (let i = 0; i < 3000; i++) {
    const s = queue.status();
    // Sent and witnessed (at close: every ballot too): the kill may land anywhere in sending.
    const done = s.batchesInFlight === 0 && (!job.close || s.ballotsWaiting === 0);
    if (done) {
      say('IDLE');
      await queue.stop();
      store.close();
      return 0;
    }
    await sleep(20);
  }
  say(`FATAL the queue did not drain: ${JSON.stringify(queue.status())}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`FATAL ${(e as Error).stack ?? String(e)}`);
    process.exit(2);
  },
);
