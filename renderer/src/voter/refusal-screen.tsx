/**
 * Why this person cannot vote now, in their language, with what to do next (CONVENTIONS: messages a
 * person can act on). The backend's own words are kept for the poll worker, in English, below.
 */
import type { IneligibleReason } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { Screen } from '../ui/screen';
import { Notice } from '../ui/status-mark';

function StaffDetail(props: { readonly message: string }) {
  const { t } = useI18n();
  return (
    <details className="staff-detail">
      <summary>{t('refusal.detail')}</summary>
      <p lang="en" dir="ltr">
        {props.message}
      </p>
    </details>
  );
}

export function IneligibleScreen(props: { readonly reason: IneligibleReason; readonly message: string }) {
  const { t } = useI18n();
  const action = useAction();
  return (
    <Screen
      title={t('refusal.title')}
      testId="refusal"
      className="screen--refusal"
      actions={
        <Button
          variant="primary"
          size="large"
          busy={action.busy}
          onClick={() => void action.run('finishVoterSession', {})}
        >
          {t('refusal.done')}
        </Button>
      }
    >
      <Notice tone="error" title={t(`refusal.reason.${props.reason}`)} testId="refusal-reason">
        <p>{t(`refusal.action.${props.reason}`)}</p>
      </Notice>
      <StaffDetail message={props.message} />
      <ErrorNote error={action.error} />
    </Screen>
  );
}

export function CheckInFailedScreen(props: { readonly message: string }) {
  const { t } = useI18n();
  const retry = useAction();
  const leave = useAction();
  return (
    <Screen
      title={t('checkinFailed.title')}
      testId="checkin-failed"
      className="screen--refusal"
      actions={
        <>
          <Button
            variant="secondary"
            size="large"
            busy={leave.busy}
            onClick={() => void leave.run('cancelVoterSession', {})}
          >
            {t('checkinFailed.leave')}
          </Button>
          <Button
            variant="primary"
            size="large"
            busy={retry.busy}
            onClick={() => void retry.run('retryCheckIn', {})}
          >
            {t('checkinFailed.retry')}
          </Button>
        </>
      }
    >
      <Notice tone="warning" title={t('checkinFailed.askPollWorker')}>
        <p>{t('checkinFailed.body')}</p>
      </Notice>
      <StaffDetail message={props.message} />
      <ErrorNote error={retry.error ?? leave.error} />
    </Screen>
  );
}
