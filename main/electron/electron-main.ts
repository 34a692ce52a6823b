/**
 * The Electron shell (DESIGN §2; in the manner of VotingWorks kiosk-browser): one kiosk window on the
 * backend's own origin. It starts the backend on the system's Node (backend-process.ts), hands the
 * page its address and per-boot token through the preload, and enforces the window rules of
 * shell-policy.ts. It loads no native module; everything here but the Electron calls is tested under
 * plain Node. Built to main/electron/dist/electron-main.cjs by build-shell.mjs.
 */
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { startBackend, type RunningBackend } from './backend-process';
import {
  backendArgs,
  CONNECTION_CHANNEL,
  isAllowedNavigation,
  kioskWindowOptions,
  parseShellArgs,
  permissionAllowed,
  withCsp,
} from './shell-policy';

let backend: RunningBackend | null = null;

function backendRoot(): string {
  return app.isPackaged ? join(process.resourcesPath, 'backend') : resolve(__dirname, '..', '..', '..');
}

async function run(): Promise<void> {
  const args = parseShellArgs(process.argv.slice(1));
  if (!args.ok) throw new Error(args.error);
  const root = backendRoot();
  backend = await startBackend({
    node: process.env['OGAS_NODE'] ?? 'node',
    args: [join(root, 'bin', 'ogas.mjs'), ...backendArgs(args.value)],
    cwd: root,
    onOutput: (line) => process.stderr.write(`[backend] ${line}\n`),
  });
  const { rpcUrl, token } = backend.hello;
  void backend.exited.then((code) => {
    if (!quitting) {
      dialog.showErrorBox('OGAS Kiosk', `The kiosk backend stopped (code ${code}). The kiosk will close.`);
      app.exit(1);
    }
  });

  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(permissionAllowed(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withCsp(details.responseHeaders ?? {}) }),
  );

  const win = new BrowserWindow(kioskWindowOptions(join(__dirname, 'preload.cjs'), args.value.kiosk));
  ipcMain.on(CONNECTION_CHANNEL, (event) => {
    event.returnValue = event.sender.id === win.webContents.id ? { rpcUrl, token } : null;
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, rpcUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${rpcUrl}/`);
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  event.preventDefault();
  quitting = true;
  void backend.stop().finally(() => app.exit(0));
});
app.on('window-all-closed', () => app.quit());
app.enableSandbox();
app
  .whenReady()
  .then(run)
  .catch((e: unknown) => {
    dialog.showErrorBox('OGAS Kiosk', (e as Error).message);
    app.exit(1);
  });
