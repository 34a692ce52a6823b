/**
 * Whom the kiosk trusts for checkpoints (DESIGN §4 `ledger`, §6): the log key named by the package's
 * origin, the witnesses it lists, and the quorum of witness cosignatures a checkpoint needs.
 */
import { parseVkey, type CheckpointTrust, type CosignerKey } from '../../protocol/checkpoint';
import type { ElectionPackage } from '../../protocol/election';
import { err, ok, type Result } from '../../protocol/result';

export function ledgerTrustOf(pkg: ElectionPackage): Result<CheckpointTrust, string> {
  const { ledger } = pkg;
  const log = parseVkey(ledger.logKey);
  if (!log.ok) return err(`ledger.logKey: ${log.error}`);
  if (log.value.name !== ledger.origin) {
    return err(`ledger.logKey is named "${log.value.name}", not the log's origin "${ledger.origin}"`);
  }
  const witnesses: CosignerKey[] = [];
  for (const [i, w] of ledger.witnesses.entries()) {
    const key = parseVkey(w.key);
    if (!key.ok) return err(`ledger.witnesses[${i}].key: ${key.error}`);
    if (key.value.name !== w.name) {
      return err(`ledger.witnesses[${i}]: the key is named "${key.value.name}", the witness "${w.name}"`);
    }
    witnesses.push(key.value);
  }
  if (ledger.quorum > witnesses.length) {
    return err(`ledger.quorum is ${ledger.quorum} but only ${witnesses.length} witness(es) are named`);
  }
  return ok({ log: log.value, witnesses, quorum: ledger.quorum });
}
