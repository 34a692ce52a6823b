/** Entry point: find the backend and its token, start following its status, draw the page. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createRpcClient } from './rpc/client';
import { StatusStore } from './rpc/status-store';
import { takeConnection } from './rpc/token';
import { StandaloneMessage } from './screens/standalone-message';
import './styles/index.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root');
const root = createRoot(rootElement);

const found = takeConnection({
  location: window.location,
  history: window.history,
  sessionStorage: window.sessionStorage,
  ogas: 'ogas' in window ? (window as unknown as { ogas: unknown }).ogas : undefined,
});

if (found.ok) {
  const client = createRpcClient(found.connection, (url, init) => fetch(url, init));
  const store = new StatusStore(client);
  store.start();
  root.render(
    <StrictMode>
      <App client={client} store={store} />
    </StrictMode>,
  );
} else {
  root.render(<StandaloneMessage message={found.message} />);
}
