/**
 * A demo kiosk for the e2e tests, as `ogas kiosk --demo --port 0` runs it (main/kiosk/run-demo.ts):
 * the demo election, an embedded ledger, emulated devices, the RPC server serving renderer/dist. Its
 * data lives in the folder the test gives (the demo election made there on the first start is reused by
 * the next one; kiosk and ledger state are kept across starts, as `ogas kiosk --demo` keeps them, unless
 * `fresh`). `api` calls the RPC as the page does, for set-up and for reading what the dock offers;
 * everything a person does goes through the browser.
 */
import type { DevFixtures, KioskApi, RpcMethod, RpcResponse } from '../../../main/rpc/api';
import { startDemo, type RunningDemo } from '../../../main/kiosk/run-demo';
import { RENDERER_DIST } from './renderer-build';

export interface DemoKiosk {
  readonly openUrl: string;
  readonly demo: RunningDemo;
  api<M extends RpcMethod>(
    method: M,
    input: KioskApi[M]['input'],
  ): Promise<RpcResponse<KioskApi[M]['output']>>;
  fixtures(): Promise<DevFixtures>;
  stop(): Promise<void>;
}

export async function startDemoKiosk(
  dataDir: string,
  options: { readonly provision?: boolean; readonly fresh?: boolean } = {},
): Promise<DemoKiosk> {
  const started = await startDemo({
    dataDir,
    port: 0,
    version: 'e2e',
    staticRoot: RENDERER_DIST,
    ...(options.provision === undefined ? {} : { provision: options.provision }),
    ...(options.fresh === undefined ? {} : { fresh: options.fresh }),
  });
  if (!started.ok) {
    throw new Error(`the demo kiosk did not start: ${started.error}`);
  }
  const demo = started.value;
  const { url, token } = demo.server;
  const api: DemoKiosk['api'] = async (method, input) => {
    const res = await fetch(`${url}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    return (await res.json()) as RpcResponse<KioskApi[typeof method]['output']>;
  };
  return {
    openUrl: demo.openUrl,
    demo,
    api,
    fixtures: async () => {
      const r = await api('devFixtures', {});
      if (!r.ok) throw new Error(`devFixtures: ${r.error.message}`);
      return r.value;
    },
    stop: () => demo.close(),
  };
}
