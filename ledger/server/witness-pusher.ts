/**
 * Pushing checkpoints to witnesses (DESIGN §6, C2SP tlog-witness): after each new checkpoint, the latest
 * one goes to every `--witness` URL as `POST <url>/add-checkpoint` with a consistency proof from the size
 * that witness last cosigned. A 409 answer carries the witness's size: the push is redone at once with
 * the proof from there (the spec's recovery for a log that does not know, e.g. after a restart). Valid
 * cosignatures, from witnesses the package names, are stored and served with the checkpoint. Failures
 * are logged and retried with exponential backoff; appends never wait for witnesses. Intermediate
 * checkpoints are skipped when the log outpaces a witness: the latest one covers them (consistency).
 */
import {
  checkpoint as checkpointBody,
  encodeAddCheckpointRequest,
  encodeSignatureLine,
  parseAddCheckpointResponse,
  parseTreeSizeBody,
  verifyCosignature,
  describeSigner,
} from '../../protocol/checkpoint';
import { bytesEqual } from '../../protocol/bytes';
import type { CheckpointRecord } from '../storage/types';
import type { LedgerLogger } from './ledger-logger';
import type { LogState } from './log-state';

export interface WitnessPusherOptions {
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Per-request timeout. */
  readonly timeoutMs?: number;
}

/** What the ledger knows of one witness (for logs and tests). */
export interface WitnessStatus {
  readonly url: string;
  /** The size this witness last cosigned, as far as the ledger knows (undefined: not yet known). */
  knownSize: number | undefined;
  /** The note last cosigned by it. */
  cosignedNote: string | undefined;
  lastError: string | undefined;
  pushes: number;
}

type PushResult = 'cosigned' | 'retry-now' | 'failed';

export class WitnessPusher {
  readonly witnesses: WitnessStatus[];
  private stopped = false;
  private wakers: (() => void)[] = [];
  private readonly loops: Promise<void>[];
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private readonly timeout: number;

  constructor(
    private readonly state: LogState,
    urls: readonly string[],
    private readonly log: LedgerLogger,
    options: WitnessPusherOptions = {},
  ) {
    this.minBackoff = options.minBackoffMs ?? 500;
    this.maxBackoff = options.maxBackoffMs ?? 60_000;
    this.timeout = options.timeoutMs ?? 10_000;
    this.witnesses = urls.map((url) => ({
      url: url.replace(/\/+$/, ''),
      knownSize: undefined,
      cosignedNote: undefined,
      lastError: undefined,
      pushes: 0,
    }));
    this.loops = this.witnesses.map((w) => this.run(w));
  }

  /** A new checkpoint is stored: wake every witness loop. */
  notify(): void {
    const wake = this.wakers;
    this.wakers = [];
    for (const f of wake) f();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await Promise.all(this.loops);
  }

  /** Waits for `notify`, `stop` or `ms` (if given). */
  private wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.wakers.push(() => {
        if (timer) clearTimeout(timer);
        resolve();
      });
    });
  }

  private async run(w: WitnessStatus): Promise<void> {
    let backoff = this.minBackoff;
    let conflicts = 0;
    while (!this.stopped) {
      const latest = this.state.latest;
      if (!latest || latest.note === w.cosignedNote) {
        await this.wait();
        continue;
      }
      const result = await this.push(w, latest).catch((e: Error): PushResult => {
        w.lastError = e.message;
        this.log({ id: 'witness.push-failed', level: 'error', witness: w.url, error: e.message });
        return 'failed';
      });
      if (result === 'cosigned') {
        backoff = this.minBackoff;
        conflicts = 0;
      } else if (result === 'retry-now' && ++conflicts <= 3) {
        continue;
      } else {
        conflicts = 0;
        await this.wait(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoff);
      }
    }
  }

  private async push(w: WitnessStatus, latest: CheckpointRecord): Promise<PushResult> {
    const old = w.knownSize ?? 0;
    const fault = (id: string, error: string): PushResult => {
      w.lastError = error;
      this.log({ id, level: 'warn', witness: w.url, size: latest.size, error });
      return 'failed';
    };
    if (old > latest.size) {
      return fault('witness.ahead', `the witness has cosigned size ${old}, beyond this log's ${latest.size}`);
    }
    let proof: Uint8Array[] = [];
    if (old > 0 && old < latest.size) {
      const p = await this.state.tree
        .consistencyProof(old, latest.size)
        .catch((e: Error) => ({ ok: false as const, error: e.message }));
      if (!p.ok) return fault('witness.proof-failed', p.error);
      proof = p.value;
    }
    const body = encodeAddCheckpointRequest({ oldSize: old, proof, checkpointNote: latest.note });
    w.pushes++;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${w.url}/add-checkpoint`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(this.timeout),
      });
      text = await res.text();
    } catch (e) {
      return fault('witness.unreachable', (e as Error).message);
    }
    if (res.status === 409) {
      const size = parseTreeSizeBody(text);
      if (!size.ok) return fault('witness.bad-answer', `409 without a tree size: ${size.error}`);
      w.knownSize = size.value;
      this.log({
        id: 'witness.conflict',
        level: 'info',
        witness: w.url,
        theirSize: size.value,
        size: latest.size,
      });
      return 'retry-now';
    }
    if (res.status !== 200) return fault('witness.refused', `HTTP ${res.status}: ${text.slice(0, 300)}`);
    return this.store(w, latest, text);
  }

  private async store(w: WitnessStatus, latest: CheckpointRecord, text: string): Promise<PushResult> {
    const sigs = parseAddCheckpointResponse(text);
    if (!sigs.ok) return this.bad(w, latest, sigs.error);
    const cp = checkpointBody(this.state.ctx.origin, latest.size, latest.root);
    let stored = 0;
    for (const sig of sigs.value) {
      const key = this.state.ctx.witnessKeys.find(
        (k) => k.name === sig.name && bytesEqual(k.keyId, sig.keyId),
      );
      if (!key) {
        this.log({ id: 'witness.unknown-key', level: 'warn', witness: w.url, signer: describeSigner(sig) });
        continue;
      }
      const ok = verifyCosignature(sig, key, cp);
      if (!ok.ok) return this.bad(w, latest, ok.error);
      await this.state.storage.addCosignature({
        size: latest.size,
        name: sig.name,
        timestamp: ok.value.timestamp,
        line: encodeSignatureLine(sig).trimEnd(),
      });
      stored++;
    }
    if (stored === 0) return this.bad(w, latest, 'no cosignature from a witness the election package names');
    w.knownSize = latest.size;
    w.cosignedNote = latest.note;
    w.lastError = undefined;
    this.log({ id: 'witness.cosigned', level: 'info', witness: w.url, size: latest.size });
    return 'cosigned';
  }

  private bad(w: WitnessStatus, latest: CheckpointRecord, error: string): PushResult {
    w.lastError = error;
    this.log({ id: 'witness.bad-cosignature', level: 'warn', witness: w.url, size: latest.size, error });
    return 'failed';
  }
}
