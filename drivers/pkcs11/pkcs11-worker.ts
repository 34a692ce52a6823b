/**
 * The PKCS#11 worker thread: loads one module (pkcs11js) for the life of the process, then answers
 * WorkerRequests one at a time. Blocking calls (a card computing an RSA signature, a PIN check) run here,
 * never on the main event loop (DESIGN §2). Started through pkcs11-worker-boot.mjs, which registers tsx.
 *
 * The library is never unloaded: SoftHSM2 leaves OpenSSL state pointing into its own code, so a dlclose
 * followed by a new dlopen crashes the process (SIGSEGV, seen in this project's tests). A host's close
 * calls C_Finalize only; the next host for the same module calls C_Initialize on the same thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pkcs11js from 'pkcs11js';
import { FaultInjector } from './fault-injection';
import { Pkcs11Module } from './pkcs11-module';
import { Pkcs11Failure } from './pkcs11-objects';
import type { Pkcs11Error } from './pkcs11-errors';
import type { WorkerReply, WorkerRequest, WorkerStartData } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('pkcs11-worker.ts must run as a worker thread (started by Pkcs11Host)');
const { modulePath } = workerData as WorkerStartData;

/** Kept reachable for the life of the thread, so its finalizer never unloads the library. */
const real = new pkcs11js.PKCS11();
(globalThis as { ogasPkcs11Library?: unknown }).ogasPkcs11Library = real;

let loadError: Pkcs11Error | null = null;
try {
  real.load(modulePath);
} catch (e) {
  loadError = {
    kind: 'module-not-loadable',
    modulePath,
    message:
      `The PKCS#11 library ${modulePath} could not be loaded (${(e as Error).message}). ` +
      'Check that the card reader or HSM software is installed (OpenSC, SoftHSM2) and the path is right.',
  };
}

let mod: Pkcs11Module | null = null;
let faults: FaultInjector | null = null;

const notInitialized = (): never => {
  throw new Error('PKCS#11 call before initialize (the host sends initialize first)');
};

function run(req: WorkerRequest): unknown {
  if (req.op === 'initialize') {
    if (mod) return mod.info();
    faults = req.args.faultInjection ? new FaultInjector(real) : null;
    mod = Pkcs11Module.open(faults ? faults.api : real, modulePath);
    return mod.info();
  }
  if (req.op === 'finalize') {
    mod?.finalize();
    mod = null;
    faults = null;
    return null;
  }
  const m = mod ?? notInitialized();
  switch (req.op) {
    case 'info':
      return m.info();
    case 'status':
      return { openSessions: m.openSessionCount() };
    case 'tokens':
      return m.tokens();
    case 'slotEvent':
      return m.slotEvent();
    case 'mechanisms':
      return m.mechanisms(req.args.label);
    case 'openSession':
      return m.openSession(req.args.label, req.args.readWrite);
    case 'closeSession':
      m.closeSession(req.args.session);
      return null;
    case 'login':
      m.login(req.args.session, req.args.pin);
      return null;
    case 'logout':
      m.logout(req.args.session);
      return null;
    case 'certificates':
      return m.certificates(req.args.session);
    case 'sign':
      return m.sign(req.args.session, req.args.keyId, req.args.message);
    case 'secretKeyInfo':
      return m.secretKeyInfo(req.args.session, req.args.label);
    case 'generateAesKey':
      return m.generateAesKey(req.args.session, req.args.label);
    case 'aesGcmEncrypt':
      return m.aesGcmEncrypt(req.args.session, req.args.label, req.args.iv, req.args.aad, req.args.plaintext);
    case 'aesGcmDecrypt':
      return m.aesGcmDecrypt(
        req.args.session,
        req.args.label,
        req.args.iv,
        req.args.aad,
        req.args.ciphertext,
      );
    case 'injectFault':
      if (!faults) throw new Error('fault injection is off for this PKCS#11 host');
      faults.inject(req.args.rule);
      return null;
  }
}

port.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  if (loadError && req.op !== 'finalize') {
    reply = { id: req.id, ok: false, error: loadError };
  } else {
    try {
      reply = { id: req.id, ok: true, value: run(req) };
    } catch (e) {
      reply =
        e instanceof Pkcs11Failure
          ? { id: req.id, ok: false, error: e.error }
          : { id: req.id, ok: false, bug: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  }
  port.postMessage(reply);
});
