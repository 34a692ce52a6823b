// Entry of the PKCS#11 worker thread: registers tsx's TypeScript loader in this thread, then runs
// pkcs11-worker.ts. (On Node 20, `new Worker(tsFile, { execArgv: ['--import', 'tsx'] })` does not
// apply the loader to the worker's entry file, so a small JavaScript entry is needed, as bin/ogas.mjs is.)
import { register } from 'tsx/esm/api';

register();
await import('./pkcs11-worker.ts');
