/**
 * React access to the RPC client and the live status. `useAction` runs one method, keeps a busy flag
 * and the last error, and refreshes the status after a success so the next screen shows at once.
 */
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { KioskApi, RpcMethod } from '../../../main/rpc/api';
import type { CallResult, ClientError, RpcClient } from './client';
import type { StatusSnapshot, StatusStore } from './status-store';

interface RpcContextValue {
  readonly client: RpcClient;
  readonly store: StatusStore;
}

const RpcContext = createContext<RpcContextValue | null>(null);

export function RpcProvider(props: {
  readonly client: RpcClient;
  readonly store: StatusStore;
  readonly children: ReactNode;
}) {
  const { client, store } = props;
  const value = useMemo(() => ({ client, store }), [client, store]);
  return <RpcContext.Provider value={value}>{props.children}</RpcContext.Provider>;
}

function useRpcContext(): RpcContextValue {
  const value = useContext(RpcContext);
  if (!value) throw new Error('RPC hooks outside RpcProvider');
  return value;
}

export function useRpcClient(): RpcClient {
  return useRpcContext().client;
}

export function useStatusSnapshot(): StatusSnapshot {
  const { store } = useRpcContext();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

export interface Action {
  readonly busy: boolean;
  readonly error: ClientError | null;
  readonly run: <M extends RpcMethod>(method: M, input: KioskApi[M]['input']) => Promise<CallResult<M>>;
  readonly clearError: () => void;
}

export function useAction(): Action {
  const { client, store } = useRpcContext();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const run = useCallback(
    async <M extends RpcMethod>(method: M, input: KioskApi[M]['input']): Promise<CallResult<M>> => {
      setBusy(true);
      setError(null);
      try {
        const result = await client.call(method, input);
        if (result.ok) await store.refresh();
        else setError(result.error);
        return result;
      } finally {
        setBusy(false);
      }
    },
    [client, store],
  );
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
