/**
 * The kiosk's RPC server (DESIGN §2; wire format in main/rpc/README.md): Node http on loopback only,
 * a per-boot random bearer token compared in constant time, `POST /api/<method>` with a JSON body
 * parsed by the method's closed zod schema, a body size cap, the role gate (main/auth/access.ts), and
 * answers that are always JSON `{ok, value}` / `{ok: false, error}`. Anything else under `/` serves the
 * built renderer under a strict CSP. A request that is refused, or a handler that throws, never takes
 * the server down; refusals are logged (throttled) with their declared event id.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { AccessDecision } from '../auth/access';
import type { EventLogger } from '../event-log/event-log';
import {
  MAX_REQUEST_BYTES,
  METHOD_ACCESS,
  requestSchemas,
  type MethodAccess,
  type RpcError,
  type RpcIssue,
  type RpcMethod,
} from './api';
import type { Handlers } from './handlers';
import { SECURITY_HEADERS, serveStatic } from './static-files';

export interface RpcServerOptions {
  readonly handlers: Handlers;
  /** Decides whether the caller's role may use a method (main/auth/access.ts checkAccess). */
  readonly access: (access: MethodAccess) => AccessDecision;
  readonly log: EventLogger;
  /** renderer/dist; null serves no UI (tests). */
  readonly staticRoot: string | null;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default: 32 fresh random bytes, hex. */
  readonly token?: string;
  readonly maxBodyBytes?: number;
}

export interface RunningRpcServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time comparison of a presented token with the boot token (equal-length digests). */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;

const STATUS: Readonly<Partial<Record<RpcError['code'], number>>> = {
  unauthorized: 401,
  'not-found': 404,
  'method-not-allowed': 405,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'bad-request': 400,
  internal: 500,
};

function reply(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, error: RpcError, extra: Record<string, string> = {}): number {
  const status = STATUS[error.code] ?? 400;
  reply(res, status, { ok: false, error }, extra);
  return status;
}

/** Zod issues as field-by-field refusals (unknown fields named one by one). */
export function issuesOf(error: z.ZodError): RpcIssue[] {
  const out: RpcIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: path ? `${path}.${key}` : key, message: 'is not a field of this request' });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: boolean };

/** Reads at most `max` bytes; a larger body is drained (up to 64 × max) and reported too large. */
function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        if (size > max * 64) req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(
        over ? { ok: false, tooLarge: true } : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    req.on('error', () => resolve({ ok: false, tooLarge: over }));
    req.on('close', () => resolve({ ok: false, tooLarge: over }));
  });
}

export function startRpcServer(options: RpcServerOptions): Promise<RunningRpcServer> {
  const token = options.token ?? newToken();
  const max = options.maxBodyBytes ?? MAX_REQUEST_BYTES;
  const throttle = { windowStart: 0, logged: 0, suppressed: 0 };

  const logRefusal = (status: number, code: string, method: string | null) => {
    const now = Date.now();
    if (now - throttle.windowStart > 60_000) {
      if (throttle.suppressed > 0) {
        options.log.event(
          'rpc-refused',
          'failure',
          `${throttle.suppressed} more refused request(s) were not logged one by one.`,
          {
            details: { count: throttle.suppressed },
          },
        );
      }
      throttle.windowStart = now;
      throttle.logged = 0;
      throttle.suppressed = 0;
    }
    if (throttle.logged >= 30) {
      throttle.suppressed += 1;
      return;
    }
    throttle.logged += 1;
    options.log.event('rpc-refused', 'failure', `An RPC request was refused (${code}).`, {
      details: {
        httpStatus: status,
        code,
        ...(method ? { rpcMethod: method.toLowerCase().slice(0, 64) } : {}),
      },
    });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, name: string): Promise<void> => {
    const fail = (error: RpcError, extra: Record<string, string> = {}) =>
      logRefusal(refuse(res, error, extra), error.code, Object.hasOwn(requestSchemas, name) ? name : null);
    if (req.method !== 'POST') {
      fail({ code: 'method-not-allowed', message: 'RPC methods are called with POST.' }, { allow: 'POST' });
      return;
    }
    const auth = req.headers.authorization ?? '';
    const presented = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!tokenMatches(presented, token)) {
      fail(
        {
          code: 'unauthorized',
          message: 'Missing or wrong bearer token: reload the kiosk page from the address the kiosk printed.',
        },
        { 'www-authenticate': 'Bearer' },
      );
      return;
    }
    if (!Object.hasOwn(requestSchemas, name)) {
      fail({ code: 'not-found', message: `There is no RPC method "${name.slice(0, 64)}".` });
      return;
    }
    const method = name as RpcMethod;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      fail({ code: 'unsupported-media-type', message: 'Send the request body as application/json.' });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      fail(
        { code: 'payload-too-large', message: `The request body is larger than ${max} bytes.` },
        { connection: 'close' },
      );
      req.resume();
      return;
    }
    const body = await readBody(req, max);
    if (!body.ok) {
      if (body.tooLarge)
        fail({ code: 'payload-too-large', message: `The request body is larger than ${max} bytes.` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      fail({ code: 'bad-request', message: 'The request body is not JSON.' });
      return;
    }
    const parsed = requestSchemas[method].safeParse(json);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      fail({
        code: 'bad-request',
        message:
          `The ${method} request was refused: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`.slice(
            0,
            1000,
          ),
        issues,
      });
      return;
    }
    const decision = options.access(METHOD_ACCESS[method]);
    if (!decision.ok) {
      if (decision.error.code === 'not-permitted') {
        options.log.event('access-denied', 'failure', `Access to ${method} was refused.`, {
          details: { rpcMethod: method.toLowerCase() },
        });
      }
      reply(res, 200, { ok: false, error: decision.error });
      return;
    }
    try {
      const handler = options.handlers[method] as (input: unknown) => Promise<{ ok: boolean }>;
      reply(res, 200, await handler(parsed.data));
    } catch (e) {
      options.log.event('rpc-fault', 'failure', `${method}: ${(e as Error).message}`.slice(0, 500), {
        details: { rpcMethod: method.toLowerCase() },
      });
      refuse(res, {
        code: 'internal',
        message: `The kiosk hit an unexpected error in ${method}; it was logged. Try again, and call a technician if it repeats.`,
      });
    }
  };

  const server: Server = createServer(
    { requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      const host = req.headers.host ?? '';
      const origin = req.headers.origin;
      if (
        !LOOPBACK_HOST.test(host) ||
        (origin !== undefined && origin !== 'null' && !LOOPBACK_HOST.test(origin.replace(/^http:\/\//, '')))
      ) {
        logRefusal(
          refuse(res, { code: 'bad-request', message: 'This server answers loopback addresses only.' }),
          'host',
          null,
        );
        req.resume();
        return;
      }
      const path = (req.url ?? '/').split(/[?#]/)[0]!;
      if (path === '/api' || path.startsWith('/api/')) {
        handleApi(req, res, path.slice(5)).catch(() =>
          refuse(res, { code: 'internal', message: 'The request failed.' }),
        );
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        refuse(
          res,
          { code: 'method-not-allowed', message: 'Only GET serves the UI.' },
          { allow: 'GET, HEAD' },
        );
        req.resume();
        return;
      }
      if (!options.staticRoot) {
        refuse(res, { code: 'not-found', message: 'This server serves no UI.' });
        return;
      }
      serveStatic(options.staticRoot, path, res).catch(() =>
        refuse(res, { code: 'internal', message: 'The file could not be served.' }),
      );
    },
  );
  server.on('clientError', (_e, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
