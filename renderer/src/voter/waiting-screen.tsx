/** Screens where the voter waits for someone else: a poll worker, the ledger, the durable write. */
import { useI18n } from '../i18n/i18n-context';
import { Screen } from '../ui/screen';

export type WaitingKind =
  'identifying' | 'awaiting-confirmation' | 'checking-in' | 'casting' | 'cast-unknown';

export function WaitingScreen(props: { readonly kind: WaitingKind }) {
  const { t } = useI18n();
  const text = {
    identifying: [t('identifying.title'), t('identifying.body')],
    'awaiting-confirmation': [t('confirm.title'), t('confirm.body')],
    'checking-in': [t('checkin.title'), t('checkin.body')],
    casting: [t('casting.title'), t('casting.body')],
    'cast-unknown': [t('casting.unknownTitle'), t('casting.unknownBody')],
  }[props.kind];
  return (
    <Screen
      title={text[0]}
      testId={`waiting-${props.kind}`}
      className="screen--waiting"
      focusKey={props.kind}
    >
      <div className="waiting" aria-busy="true">
        <div className="progress" aria-hidden="true" />
        <p className="waiting__body">{text[1]}</p>
      </div>
    </Screen>
  );
}
