/**
 * The kiosk's RPC server over a running Kiosk: handlers (main/rpc/handlers.ts), the role gate from the
 * staff session and the voter session (main/auth/access.ts), and the built renderer.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkAccess } from '../auth/access';
import { createHandlers } from '../rpc/handlers';
import { startRpcServer, type RunningRpcServer } from '../rpc/server';
import type { DevDock } from './dev-dock';
import type { Kiosk } from './kiosk';

/** renderer/dist of this checkout, when it was built. */
export function defaultStaticRoot(): string | null {
  const dist = fileURLToPath(new URL('../../renderer/dist', import.meta.url));
  return existsSync(dist) ? dist : null;
}

export interface KioskServerOptions {
  readonly port?: number;
  readonly staticRoot?: string | null;
  readonly token?: string;
}

export function startKioskServer(
  kiosk: Kiosk,
  dock: DevDock | null,
  options: KioskServerOptions = {},
): Promise<RunningRpcServer> {
  const { ctx } = kiosk;
  return startRpcServer({
    handlers: createHandlers(kiosk, dock),
    access: (access) =>
      checkAccess(access, {
        staff: ctx.auth.staffState(),
        voterSessionActive: kiosk.session.current().phase !== 'idle',
        demo: ctx.demo && dock !== null,
      }),
    log: ctx.log,
    staticRoot: options.staticRoot === undefined ? defaultStaticRoot() : options.staticRoot,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.token === undefined ? {} : { token: options.token }),
  });
}
