/**
 * Opening, pausing, resuming and closing the polls (issue 6 "Polls"), each after a confirmation that
 * says what will happen (a signed polls entry goes to the public ledger; close cannot be undone). The
 * zero report appears after opening, the close report after closing.
 */
import { useState } from 'react';
import type { KioskStatus, PollsReport, StaffRole } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { ErrorNote } from '../ui/error-note';
import { StatusMark } from '../ui/status-mark';
import { ReportView } from './report-view';

type PollsAction = 'open' | 'pause' | 'resume' | 'close';

const METHOD = {
  open: 'openPolls',
  pause: 'pausePolls',
  resume: 'resumePolls',
  close: 'closePolls',
} as const;

/** Which transitions this role may make from this state (main/rpc/api.ts METHOD_ACCESS). */
export function pollsActions(status: KioskStatus, role: StaffRole): PollsAction[] {
  const official = role === 'official';
  const staff = role === 'official' || role === 'poll-worker';
  if (status.provisioning.step !== 'ready') return [];
  switch (status.polls) {
    case 'not-open':
      return official && !status.locked ? ['open'] : [];
    case 'open':
      return [...(staff ? (['pause'] as const) : []), ...(official ? (['close'] as const) : [])];
    case 'paused':
      return [
        ...(staff && !status.locked ? (['resume'] as const) : []),
        ...(official ? (['close'] as const) : []),
      ];
    case 'closed':
      return [];
  }
}

export function PollsPanel(props: { readonly status: KioskStatus; readonly role: StaffRole }) {
  const { t } = useI18n();
  const action = useAction();
  const [confirming, setConfirming] = useState<PollsAction | null>(null);
  const [report, setReport] = useState<PollsReport | null>(null);
  const actions = pollsActions(props.status, props.role);
  const run = (which: PollsAction) => {
    void action.run(METHOD[which], {}).then((result) => {
      setConfirming(null);
      if (result.ok && result.value.report) setReport(result.value.report.report);
    });
  };
  return (
    <section className="panel" aria-labelledby="polls-title" data-testid="polls-panel">
      <h2 id="polls-title">{t('polls.title')}</h2>
      <p data-testid="polls-current">
        {t('polls.current')}{' '}
        <StatusMark
          tone={props.status.polls === 'open' ? 'ok' : props.status.polls === 'paused' ? 'warning' : 'info'}
        >
          {t(`polls.state.${props.status.polls}`)}
        </StatusMark>
      </p>
      {props.status.locked && <p>{t('status.locked')}</p>}
      <div className="panel__actions">
        {actions.length === 0 && <p>{t('polls.nothing')}</p>}
        {actions.map((which) => (
          <Button
            key={which}
            variant={which === 'close' ? 'danger' : 'primary'}
            size="large"
            data-testid={`polls-${which}`}
            onClick={() => setConfirming(which)}
          >
            {t(`polls.action.${which}`)}
          </Button>
        ))}
      </div>
      <ErrorNote error={action.error} />
      {report && <ReportView report={report} />}
      <ConfirmDialog
        open={confirming !== null}
        danger={confirming === 'close'}
        title={confirming ? t(`polls.action.${confirming}`) : ''}
        confirmLabel={confirming ? t(`polls.action.${confirming}`) : ''}
        cancelLabel={t('common.cancel')}
        busy={action.busy}
        testId="polls-confirm"
        onCancel={() => setConfirming(null)}
        onConfirm={() => confirming && run(confirming)}
      >
        {confirming && <p>{t(`polls.confirm.${confirming}`)}</p>}
      </ConfirmDialog>
    </section>
  );
}
