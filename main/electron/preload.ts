/**
 * The kiosk window's preload (sandboxed, context-isolated): it exposes exactly one read-only object,
 * `window.ogas = {rpcUrl, token}` (main/rpc/README.md "The token"), asked once from the main process,
 * which answers only this window. Nothing else of Electron or Node reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';

const connection: unknown = ipcRenderer.sendSync('ogas:connection');
if (connection !== null && typeof connection === 'object') {
  const { rpcUrl, token } = connection as { rpcUrl: unknown; token: unknown };
  if (typeof rpcUrl === 'string' && typeof token === 'string') {
    contextBridge.exposeInMainWorld('ogas', Object.freeze({ rpcUrl, token }));
  }
}
