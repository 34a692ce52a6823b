/**
 * A running ledger as a log source, through the DESIGN §6 HTTP API (normative): `GET /v1/checkpoint`
 * (the latest, with its cosignatures), `GET /v1/entries?start=&end=` (leaf data as JSON lines, at most
 * 10,000 a request, readable only after closes + drainHours), `GET /v1/proof/consistency?from=&to=`.
 * The ledger of this project also lists the checkpoints it published (`GET /v1/checkpoints`, `GET
 * /v1/checkpoint?size=`, what `ogas ledger export` writes to checkpoints/); where a ledger does not, only
 * the latest checkpoint is checked.
 *
 * The log is read up to the size of the checkpoint read first, page by page: each page's body is
 * consumed as it arrives, and the next page is asked for while the current one is being checked.
 */
import { fromBase64, isBase64 } from '../../protocol/bytes';
import {
  LineSplitter,
  SourceError,
  type FormatProblem,
  type LogSource,
  type PublishedCheckpoint,
} from './log-source';

/** DESIGN §6: at most 10,000 entries per read. */
export const PAGE = 10_000;
const CHUNK_LINES = 256;
const TIMEOUT_MS = 120_000;

export class HttpSource implements LogSource {
  readonly problems: FormatProblem[] = [];
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  get description(): string {
    return this.base;
  }

  private async get(path: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw new SourceError(`the ledger at ${this.base} does not answer ${path}: ${(e as Error).message}`);
    }
    if (res.status === 425) {
      const body = (await res.json().catch(() => ({}))) as { opens?: string };
      throw new SourceError(
        `the ledger serves ${path.split('?')[0]} only after closes + drainHours${body.opens ? ` (${body.opens})` : ''}: ` +
          'ballots stay unreadable until then (DESIGN §6); audit after that time',
      );
    }
    return res;
  }

  private async text(path: string): Promise<string> {
    const res = await this.get(path);
    const text = await res.text();
    if (res.status !== 200)
      throw new SourceError(`${this.base}${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text;
  }

  async latestCheckpoint(): Promise<string> {
    return this.text('/v1/checkpoint');
  }

  async electionJson(): Promise<Uint8Array> {
    const res = await this.get('/v1/entries?start=0&end=1');
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) {
      throw new SourceError(
        `${this.base} answered ${res.status} for entry 0: ${Buffer.from(body).toString('utf8').slice(0, 300)}`,
      );
    }
    const nl = body.indexOf(0x0a);
    return nl < 0 ? body : body.slice(0, nl);
  }

  async publishedCheckpoints(): Promise<PublishedCheckpoint[]> {
    const res = await this.get('/v1/checkpoints');
    if (res.status === 404) return [];
    const text = await res.text();
    let sizes: unknown;
    try {
      sizes = (JSON.parse(text) as { sizes?: unknown }).sizes;
    } catch {
      sizes = undefined;
    }
    if (
      res.status !== 200 ||
      !Array.isArray(sizes) ||
      !sizes.every((s) => Number.isSafeInteger(s) && s >= 0)
    ) {
      this.problems.push({
        index: 0,
        message: `GET /v1/checkpoints answered ${res.status} without a list of sizes`,
      });
      return [];
    }
    const out: PublishedCheckpoint[] = [];
    for (const size of sizes as number[]) {
      out.push({ label: String(size), note: await this.text(`/v1/checkpoint?size=${size}`) });
    }
    return out;
  }

  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    const text = await this.text(`/v1/proof/consistency?from=${from}&to=${to}`);
    let proof: unknown;
    try {
      proof = (JSON.parse(text) as { proof?: unknown }).proof;
    } catch {
      proof = undefined;
    }
    if (!Array.isArray(proof) || !proof.every((h) => typeof h === 'string' && isBase64(h))) {
      throw new SourceError(
        `GET /v1/proof/consistency?from=${from}&to=${to} did not answer {proof: [base64…]}`,
      );
    }
    return (proof as string[]).map(fromBase64);
  }

  private page(start: number, end: number): Promise<Response> {
    return this.get(`/v1/entries?start=${start}&end=${end}`);
  }

  async *entries(expected: number): AsyncIterable<Uint8Array[]> {
    let next: Promise<Response> | undefined =
      expected > 0 ? this.page(0, Math.min(PAGE, expected)) : undefined;
    for (let start = 0; start < expected; start += PAGE) {
      const end = Math.min(start + PAGE, expected);
      const res: Response = await next!;
      next = end < expected ? this.page(end, Math.min(end + PAGE, expected)) : undefined;
      next?.catch(() => {});
      if (res.status !== 200 || !res.body) {
        const text = await res.text();
        throw new SourceError(
          `GET /v1/entries?start=${start}&end=${end} answered ${res.status}: ${text.slice(0, 300)}`,
        );
      }
      const splitter = new LineSplitter();
      let pending: Uint8Array[] = [];
      let got = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const line of splitter.push(chunk)) {
          pending.push(line);
          got++;
          if (pending.length >= CHUNK_LINES) {
            yield pending;
            pending = [];
          }
        }
      }
      const last = splitter.end();
      if (last !== undefined) {
        pending.push(last);
        got++;
        this.problems.push({
          index: start + got - 1,
          message: `the page ${start}–${end} does not end with a newline`,
        });
      }
      if (pending.length > 0) yield pending;
      if (got !== end - start) {
        throw new SourceError(
          `GET /v1/entries?start=${start}&end=${end} gave ${got} entries, not ${end - start}`,
        );
      }
    }
  }
}
