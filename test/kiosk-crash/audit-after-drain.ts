/**
 * `ogas audit` (ledger/audit) over HTTP once the ledger's clock is past closes + drainHours: the ledger
 * signs a fresh checkpoint, the witness cosigns it (asynchronously: asked again until it has, bounded),
 * and the whole log is verified and recounted (DESIGN §6 "Audit").
 */
import { HttpSource } from '../../ledger/audit/http-source';
import { runAudit, type AuditReport } from '../../ledger/audit/run-audit';
import type { TestNetwork } from '../../main/queue/test-kiosk';

export async function auditAfterDrain(net: TestNetwork): Promise<AuditReport> {
  await net.ledger!.refreshCheckpoint();
  const inputs = { trustText: net.fixture.trustText, rollText: net.fixture.rollText, threads: 0 };
  let outcome = await runAudit({ source: new HttpSource(net.url), ...inputs });
  for (let i = 0; i < 100 && !outcome.report.passed; i++) {
    await new Promise((r) => setTimeout(r, 100));
    outcome = await runAudit({ source: new HttpSource(net.url), ...inputs });
  }
  return outcome.report;
}
