/**
 * ML-DSA sign/verify throughput on one core: noble (the auditable reference; the kiosk signs with it),
 * the native PQClean build (native/ml-dsa: the ledger's verifier and checkpoint signer), and
 * @oqs/liboqs-js for reference. Entries are ML-DSA-65
 * with a context string (DESIGN §3); checkpoints are ML-DSA-44 with the empty context.
 */
import { createMLDSA65 } from '@oqs/liboqs-js';
import { loadNativeMlDsa } from '../native/ml-dsa';
import { utf8 } from '../protocol/bytes';
import {
  mlDsaKeygen,
  mlDsaSign,
  mlDsaSignRaw,
  mlDsaVerify,
  nobleVerifier,
  type MlDsaVerifier,
  type SigningPurpose,
} from '../protocol/ml-dsa';
import { measure, type Report } from './report';

// A message the size of a ballot entry's canonical JSON.
const MESSAGE = utf8(JSON.stringify({ type: 'ballot', pad: 'x'.repeat(600) }));

function verifyRate(
  purpose: SigningPurpose,
  verifier: MlDsaVerifier,
  pk: Uint8Array,
  sig: Uint8Array,
): number {
  if (!mlDsaVerify(purpose, pk, MESSAGE, sig, verifier)) {
    throw new Error(`${verifier.name} rejects a valid ${purpose} signature`);
  }
  return measure(() => mlDsaVerify(purpose, pk, MESSAGE, sig, verifier)).opsPerSecond;
}

export async function run(report: Report): Promise<void> {
  const k65 = mlDsaKeygen(65, new Uint8Array(32).fill(1));
  const k44 = mlDsaKeygen(44, new Uint8Array(32).fill(2));
  const ballotSig = mlDsaSign('ballot', k65.secretKey, MESSAGE);
  const checkpointSig = mlDsaSign('checkpoint', k44.secretKey, MESSAGE);

  report(
    'ML-DSA-65 sign (noble)',
    measure(() => mlDsaSign('ballot', k65.secretKey, MESSAGE)).opsPerSecond,
    'ops/s',
    'hedged, context ogas-ballot-v1',
  );
  report('ML-DSA-65 verify (noble)', verifyRate('ballot', nobleVerifier, k65.publicKey, ballotSig), 'ops/s');

  const native = loadNativeMlDsa();
  if (native.ok) {
    report(
      'ML-DSA-65 sign (native)',
      measure(() => mlDsaSign('ballot', k65.secretKey, MESSAGE, native.signer)).opsPerSecond,
      'ops/s',
      'hedged (getrandom), context ogas-ballot-v1',
    );
    report(
      'ML-DSA-44 sign (noble)',
      measure(() => mlDsaSign('checkpoint', k44.secretKey, MESSAGE)).opsPerSecond,
      'ops/s',
      'a checkpoint',
    );
    report(
      'ML-DSA-44 sign (native)',
      measure(() => mlDsaSign('checkpoint', k44.secretKey, MESSAGE, native.signer)).opsPerSecond,
      'ops/s',
      'a checkpoint: what the ledger signs with',
    );
    report(
      'ML-DSA-65 verify (native)',
      verifyRate('ballot', native.verifier, k65.publicKey, ballotSig),
      'ops/s',
    );
  } else {
    report('ML-DSA-65 verify (native)', NaN, 'ops/s', native.reason);
  }

  report(
    'ML-DSA-44 verify (noble)',
    verifyRate('checkpoint', nobleVerifier, k44.publicKey, checkpointSig),
    'ops/s',
    'checkpoint cosignatures, empty context',
  );
  if (native.ok) {
    report(
      'ML-DSA-44 verify (native)',
      verifyRate('checkpoint', native.verifier, k44.publicKey, checkpointSig),
      'ops/s',
      'checkpoint cosignatures, empty context',
    );
  } else {
    report('ML-DSA-44 verify (native)', NaN, 'ops/s', native.reason);
  }

  // liboqs-js exports only OQS_SIG_verify (no context): it can check empty-context signatures only.
  const emptyContextSig = mlDsaSignRaw(65, k65.secretKey, MESSAGE, new Uint8Array(0));
  const oqs = await createMLDSA65();
  try {
    if (!oqs.verify(MESSAGE, emptyContextSig, k65.publicKey)) {
      throw new Error('liboqs-js rejects a valid empty-context ML-DSA-65 signature');
    }
    report(
      'ML-DSA-65 verify (@oqs/liboqs-js, reference)',
      measure(() => oqs.verify(MESSAGE, emptyContextSig, k65.publicKey)).opsPerSecond,
      'ops/s',
      'empty context only (exports only OQS_SIG_verify): cannot verify our context-bound entries',
    );
  } finally {
    oqs.destroy();
  }
}
