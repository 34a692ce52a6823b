/** The session is over (finished, left, timed out, card removed, refused): say what it means for the ballot. */
import type { VoterEndReason } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { Screen } from '../ui/screen';

export function EndedScreen(props: { readonly reason: VoterEndReason; readonly message: string }) {
  const { t } = useI18n();
  const action = useAction();
  return (
    <Screen
      title={t(`ended.${props.reason}.title`)}
      testId={`ended-${props.reason}`}
      lead={<p>{t(`ended.${props.reason}.body`)}</p>}
      actions={
        <Button
          variant="primary"
          size="large"
          busy={action.busy}
          onClick={() => void action.run('finishVoterSession', {})}
        >
          {t('ended.ok')}
        </Button>
      }
    />
  );
}
