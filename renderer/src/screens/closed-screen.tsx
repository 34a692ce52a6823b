/** Why nobody can vote at this kiosk right now, and who can change that. */
import { useI18n } from '../i18n/i18n-context';
import { Screen } from '../ui/screen';
import type { ClosedReason } from './choose-screen';

export function ClosedScreen(props: { readonly reason: ClosedReason }) {
  const { t } = useI18n();
  return (
    <Screen
      title={t(`closed.${props.reason}.title`)}
      testId={`closed-${props.reason}`}
      className="screen--closed"
      lead={<p>{t(`closed.${props.reason}.body`)}</p>}
    >
      <p className="closed__staff">{t('closed.staffHint')}</p>
    </Screen>
  );
}

export function ConnectingScreen() {
  const { t } = useI18n();
  return (
    <Screen title={t('connection.connecting')} testId="connecting">
      <div className="progress" aria-hidden="true" />
    </Screen>
  );
}
