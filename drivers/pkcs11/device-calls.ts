/**
 * A device's own view of its PKCS#11 calls: latency and error counts by CKR name for its diagnostics
 * (issue 4: Diagnostics), even when a card reader and the HSM share one module and one host.
 */
import { ErrorCounter, LatencyRecorder } from '../diagnostics';
import type { Result } from '../../protocol/result';
import { errorCountKey, type Pkcs11Error } from './pkcs11-errors';
import type { Pkcs11Host } from './pkcs11-host';
import type { Pkcs11Op, Pkcs11Ops } from './worker-protocol';

export type DeviceOp = Exclude<Pkcs11Op, 'initialize' | 'finalize' | 'injectFault'>;

export class DeviceCalls {
  readonly latency = new LatencyRecorder();
  readonly errors = new ErrorCounter();

  constructor(readonly host: Pkcs11Host) {}

  async call<K extends DeviceOp>(
    op: K,
    args: Pkcs11Ops[K]['args'],
  ): Promise<Result<Pkcs11Ops[K]['value'], Pkcs11Error>> {
    const started = performance.now();
    const r = await this.host.call(op, args);
    this.latency.record(performance.now() - started);
    if (!r.ok) this.errors.add(errorCountKey(r.error));
    return r;
  }
}
