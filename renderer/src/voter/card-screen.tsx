/**
 * A card in the reader that is not signed in yet (DESIGN §8, PIV-style): reading it, asking its PIN
 * (with the warnings the card and the kiosk give: attempts low, final try, locked out), checking, or
 * why it failed. The same screen serves voters and staff; only the words differ. Why a PIN or a card
 * was refused is said in the chosen language from the backend's codes (`lastErrorCode`, `reason`);
 * the backend's English sentence is kept for the poll worker.
 */
import { useState } from 'react';
import type { CardView, PinPromptView } from '../../../main/rpc/api';
import type { I18n } from '../i18n/i18n-context';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { ErrorNote } from '../ui/error-note';
import { PinPad } from '../ui/pin-pad';
import { Screen } from '../ui/screen';
import { Notice } from '../ui/status-mark';
import { useBefore } from '../ui/use-before';

type PendingCard = Exclude<CardView, { status: 'no-card' | 'authenticated' }>;

function PinWarnings(props: { readonly prompt: PinPromptView; readonly id: string }) {
  const { t, tn, time } = useI18n();
  const { prompt } = props;
  const locked = useBefore(prompt.lockedUntil);
  return (
    <div id={props.id} className="pin-warnings">
      {prompt.lastError !== null && (
        <Notice tone="error" title={t('pin.refused')} live testId="pin-error">
          {prompt.lastErrorCode === null || prompt.lastErrorCode === 'other' ? (
            <p lang="en" dir="ltr">
              {prompt.lastError}
            </p>
          ) : (
            <p>{t(`pin.error.${prompt.lastErrorCode}`)}</p>
          )}
        </Notice>
      )}
      {locked && prompt.lockedUntil !== null && (
        <Notice tone="error" testId="pin-locked">
          <p>{t('pin.locked', { time: time(prompt.lockedUntil) })}</p>
        </Notice>
      )}
      {prompt.cardFinalTry ? (
        <Notice tone="warning">
          <p>{t('pin.finalTry')}</p>
        </Notice>
      ) : (
        prompt.cardCountLow && (
          <Notice tone="warning">
            <p>{t('pin.countLow')}</p>
          </Notice>
        )
      )}
      {prompt.kioskFailures > 0 && <p className="field__help">{tn('pin.failures', prompt.kioskFailures)}</p>}
    </div>
  );
}

/** What to do next; a kiosk lock-out says until when. */
function failureAction(card: Extract<CardView, { status: 'failed' }>, i18n: I18n): string {
  const { t, time } = i18n;
  if (card.reason !== 'locked-out') return t(`card.failed.action.${card.reason}`);
  return card.lockedUntil === null
    ? t('card.failed.action.other')
    : t('card.failed.action.locked-out', { time: time(card.lockedUntil) });
}

export function CardScreen(props: {
  readonly card: PendingCard;
  readonly audience: 'voter' | 'staff' | 'unknown';
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { card, audience } = props;
  const action = useAction();
  const [pin, setPin] = useState('');
  // Hooks run on every render: the lock-out (if any) of the PIN prompt shown below.
  const locked = useBefore(card.status === 'awaiting-pin' ? card.prompt.lockedUntil : null);
  switch (card.status) {
    case 'reading':
      return (
        <Screen title={t('card.reading')} testId="card-reading" lead={<p>{t('card.readingBody')}</p>}>
          <div className="progress" aria-hidden="true" />
        </Screen>
      );
    case 'verifying':
      return (
        <Screen title={t('card.verifying')} testId="card-verifying">
          <div className="progress" aria-hidden="true" />
        </Screen>
      );
    case 'signed-out':
      return (
        <Screen
          title={t('card.signedOut.title')}
          testId="card-signed-out"
          lead={<p>{t('card.signedOut.body')}</p>}
        />
      );
    case 'failed':
      return (
        <Screen title={t('card.failed.title')} testId="card-failed">
          <Notice tone="error" title={t(`card.failed.reason.${card.reason}`)} testId="card-failed-reason">
            <p>{failureAction(card, i18n)}</p>
          </Notice>
          <details className="staff-detail">
            <summary>{t('refusal.detail')}</summary>
            <p lang="en" dir="ltr">
              {card.message}
            </p>
          </details>
        </Screen>
      );
    case 'awaiting-pin': {
      return (
        <Screen
          title={
            audience === 'voter'
              ? t('pin.title.voter')
              : t('pin.title.staff', { role: t(`role.${card.role}`) })
          }
          testId={audience === 'voter' ? 'voter-pin' : 'staff-pin'}
          lead={
            <>
              <p>{t('pin.instructions')}</p>
              <p className="field__help">{t('pin.removeCard')}</p>
            </>
          }
        >
          <PinWarnings prompt={card.prompt} id="pin-warnings" />
          {!locked && (
            <PinPad
              label={t('pin.label')}
              value={pin}
              onChange={setPin}
              busy={action.busy}
              describedBy="pin-warnings"
              testId="pin-pad"
              onSubmit={(value) => {
                void action.run('enterCardPin', { pin: value }).then(() => setPin(''));
              }}
            />
          )}
          <ErrorNote error={action.error} />
        </Screen>
      );
    }
  }
}
