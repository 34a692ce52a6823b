/** Renders the whole App against a FakeKiosk, with a way to move the backend's state on. */
import { act, render, type RenderResult } from '@testing-library/react';
import type { KioskStatus } from '../../../main/rpc/api';
import { App } from '../app';
import { StatusStore } from '../rpc/status-store';
import { FakeKiosk } from './fixtures';

export interface RenderedApp {
  readonly fake: FakeKiosk;
  readonly store: StatusStore;
  readonly view: RenderResult;
  /** The backend moves to this status; the page learns it as from the long poll. */
  advance(next: KioskStatus): Promise<void>;
}

export async function renderApp(initial: KioskStatus | FakeKiosk): Promise<RenderedApp> {
  const fake = initial instanceof FakeKiosk ? initial : new FakeKiosk(initial);
  const store = new StatusStore(fake);
  await store.refresh();
  const view = render(<App client={fake} store={store} />);
  await act(async () => {
    await Promise.resolve();
  });
  return {
    fake,
    store,
    view,
    advance: async (next) => {
      fake.set(next);
      await act(() => store.refresh());
    },
  };
}
