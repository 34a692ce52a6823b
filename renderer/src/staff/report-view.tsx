/**
 * The zero and close reports (issue 6 "Polls"): drawn from the backend's structured report (the same
 * numbers as its printable HTML), marked `printable` so the page's print style prints only the report.
 * The report's HTML document is not framed here: under the kiosk's CSP (style-src 'self') its inline
 * styles would be refused, and the data is all we need.
 */
import { useState } from 'react';
import type { PollsReport } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { StatusMark } from '../ui/status-mark';

export function ReportView(props: { readonly report: PollsReport }) {
  const { t, number, dateTime } = useI18n();
  const { report } = props;
  const print = useAction();
  const [printed, setPrinted] = useState(false);
  const cp = report.lastAcknowledgedCheckpoint;
  return (
    <article
      className="report printable"
      aria-labelledby={`report-${report.kind}`}
      data-testid={`report-${report.kind}`}
    >
      <h3 id={`report-${report.kind}`}>{t(`report.title.${report.kind}`)}</h3>
      <dl className="facts">
        <div className="facts__row">
          <dt>{t('report.generatedAt')}</dt>
          <dd>{dateTime(report.generatedAt)}</dd>
        </div>
        <div className="facts__row">
          <dt>{t('report.election')}</dt>
          <dd className="mono" dir="ltr">
            {report.electionId}
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('report.kiosk')}</dt>
          <dd className="mono" dir="ltr">
            {report.kioskId}
          </dd>
        </div>
        <div className="facts__row" data-testid="report-totals">
          <dt>{t('report.totals')}</dt>
          <dd>
            {t('status.checkins')}: {number(report.totals.checkins)} · {t('status.ballots')}:{' '}
            {number(report.totals.ballots)}
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('report.pollsEntry')}</dt>
          <dd>
            {t('report.seq', { seq: report.pollsEntry.seq })}{' '}
            <StatusMark tone={report.pollsEntry.acknowledged ? 'ok' : 'pending'}>
              {report.pollsEntry.acknowledged ? t('report.acknowledged') : t('report.notAcknowledged')}
            </StatusMark>
            <span className="facts__sub mono" dir="ltr">
              {report.pollsEntry.leafHash}
            </span>
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('status.ballotsWaiting')}</dt>
          <dd>{number(report.ballotsWaiting)}</dd>
        </div>
        <div className="facts__row">
          <dt>{t('status.lastCheckpoint')}</dt>
          <dd>
            {cp === null
              ? t('status.noCheckpoint')
              : t('status.checkpointDetail', {
                  size: number(cp.size),
                  cosignatures: number(cp.cosignatures),
                  time: dateTime(cp.verifiedAt),
                })}
          </dd>
        </div>
      </dl>
      <table className="table">
        <caption>{t('report.byStyle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('report.style')}</th>
            <th scope="col">{t('status.checkins')}</th>
            <th scope="col">{t('status.ballots')}</th>
          </tr>
        </thead>
        <tbody>
          {report.byStyle.length === 0 ? (
            <tr>
              <td colSpan={3}>{t('report.noStyles')}</td>
            </tr>
          ) : (
            report.byStyle.map((row) => (
              <tr key={row.style}>
                <th scope="row" dir="ltr">
                  {row.style}
                </th>
                <td>{number(row.checkins)}</td>
                <td>{number(row.ballots)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <div className="panel__actions no-print">
        <Button variant="secondary" onClick={() => window.print()}>
          {t('report.print')}
        </Button>
        <Button
          variant="secondary"
          busy={print.busy}
          onClick={() => void print.run('printReport', { kind: report.kind }).then((r) => setPrinted(r.ok))}
        >
          {t('report.printReceipt')}
        </Button>
        {printed && <StatusMark tone="ok">{t('report.printed')}</StatusMark>}
      </div>
      <ErrorNote error={print.error} />
    </article>
  );
}

export function ReportsPanel(props: { readonly available: readonly ('zero' | 'close')[] }) {
  const { t } = useI18n();
  const action = useAction();
  const [report, setReport] = useState<PollsReport | null>(null);
  return (
    <section className="panel" aria-labelledby="reports-title" data-testid="reports-panel">
      <h2 id="reports-title">{t('report.panelTitle')}</h2>
      <div className="panel__actions">
        {(['zero', 'close'] as const).map((kind) => (
          <Button
            key={kind}
            variant="secondary"
            busy={action.busy}
            unavailable={!props.available.includes(kind)}
            onClick={() => {
              void action.run('getReport', { kind }).then((r) => setReport(r.ok ? r.value.report : null));
            }}
          >
            {t(`report.show.${kind}`)}
          </Button>
        ))}
      </div>
      <ErrorNote error={action.error} />
      {report && <ReportView report={report} />}
    </section>
  );
}
