/**
 * What the kiosk window may do, as plain data and pure functions (in the manner of VotingWorks
 * kiosk-browser: a thin shell, its rules testable without Electron): the renderer is sandboxed with
 * context isolation and no Node integration (DESIGN §2), navigates only within the backend's origin,
 * opens no window, gets no permission (camera, USB, serial, HID… all refused: devices belong to the
 * backend), and every response carries the strict CSP.
 */
import { CONTENT_SECURITY_POLICY } from '../rpc/static-files';

export interface ShellArgs {
  readonly mode:
    | { readonly kind: 'demo'; readonly dataDir: string | null }
    | { readonly kind: 'config'; readonly path: string };
  /** Full-screen kiosk window (real kiosks; the demo opens a normal window). */
  readonly kiosk: boolean;
}

/** Parses the shell's own arguments (after Electron's): `--demo [--data DIR]` or `--config FILE`, `--kiosk`. */
export function parseShellArgs(
  argv: readonly string[],
): { ok: true; value: ShellArgs } | { ok: false; error: string } {
  let demo = false;
  let kiosk = false;
  let data: string | null = null;
  let config: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return null;
      i += 1;
      return v;
    };
    if (a === '--demo') demo = true;
    else if (a === '--kiosk') kiosk = true;
    else if (a === '--data') data = value();
    else if (a === '--config') config = value();
    // Electron and Chromium add their own switches; anything else is ignored, not an error.
    if ((a === '--data' && data === null) || (a === '--config' && config === null)) {
      return { ok: false, error: `${a} needs a value` };
    }
  }
  if (config && demo) return { ok: false, error: '--demo and --config exclude each other' };
  if (config) return { ok: true, value: { mode: { kind: 'config', path: config }, kiosk: true } };
  return { ok: true, value: { mode: { kind: 'demo', dataDir: data }, kiosk } };
}

/** The backend's arguments for `ogas kiosk` (bin/ogas.mjs is given by the caller). */
export function backendArgs(args: ShellArgs): string[] {
  const mode =
    args.mode.kind === 'demo'
      ? ['--demo', ...(args.mode.dataDir ? ['--data', args.mode.dataDir] : [])]
      : ['--config', args.mode.path];
  return ['kiosk', ...mode, '--port', '0', '--json'];
}

/** BrowserWindow options (Electron's shape, kept as plain data). */
export function kioskWindowOptions(preload: string, kiosk: boolean) {
  return {
    width: 1280,
    height: 800,
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !kiosk,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  } as const;
}

/** Only pages of the backend's own origin may be shown. */
export function isAllowedNavigation(url: string, backendOrigin: string): boolean {
  try {
    return new URL(url).origin === new URL(backendOrigin).origin;
  } catch {
    return false;
  }
}

/** Every permission is refused: the renderer never touches hardware (DESIGN §2). */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

/** Response headers with the CSP enforced by the shell too (the backend sends it already). */
export function withCsp(headers: Readonly<Record<string, string[] | string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = Array.isArray(v) ? [...v] : [v];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/** Channel on which the preload asks the main process for the connection. */
export const CONNECTION_CHANNEL = 'ogas:connection';
