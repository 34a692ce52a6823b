/**
 * The voter's receipt: said only once the backend reports the ballot cast (signed and durable, issue 6),
 * with the tracking code, a QR code of the ledger lookup URL, whether the paper receipt printed, and
 * the honest note of DESIGN §9: a tracking code can show one's choice to others once ballots are public.
 */
import { useId } from 'react';
import type { ReceiptView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { Screen } from '../ui/screen';
import { Notice, StatusMark } from '../ui/status-mark';
import { QrCode } from './qr-code';
import { TrackingCode } from './tracking-code';

export function ReceiptScreen(props: { readonly receipt: ReceiptView }) {
  const { t } = useI18n();
  const { receipt } = props;
  const labelId = useId();
  const reprint = useAction();
  const finish = useAction();
  return (
    <Screen
      title={
        <>
          <span className="screen__title-icon" aria-hidden="true">
            ✓{' '}
          </span>
          {t('receipt.title')}
        </>
      }
      testId="receipt"
      className="screen--receipt"
      lead={<p>{t('receipt.body')}</p>}
      actions={
        <>
          <Button
            variant="secondary"
            size="large"
            busy={reprint.busy}
            onClick={() => void reprint.run('reprintReceipt', {})}
          >
            {t('receipt.reprint')}
          </Button>
          <span className="spacer" />
          <Button
            variant="primary"
            size="large"
            busy={finish.busy}
            onClick={() => void finish.run('finishVoterSession', {})}
            data-testid="finish"
          >
            {t('receipt.finish')}
          </Button>
        </>
      }
    >
      <div className="receipt">
        <div className="receipt__code">
          <h2 id={labelId} className="receipt__code-label">
            {t('receipt.codeLabel')}
          </h2>
          <TrackingCode code={receipt.trackingCode} labelId={labelId} />
          <p>{t('receipt.codeHelp')}</p>
          <p className="receipt__privacy">{t('receipt.privacy')}</p>
        </div>
        <figure className="receipt__qr">
          <QrCode payload={receipt.qrPayload} label={t('receipt.qrLabel')} />
          <figcaption>{t('receipt.qrHelp')}</figcaption>
        </figure>
      </div>
      {receipt.printed.ok ? (
        <p data-testid="receipt-printed">
          <StatusMark tone="ok">{t('receipt.printed')}</StatusMark>
        </p>
      ) : (
        <Notice tone="warning" title={t('receipt.printFailed')} testId="receipt-print-failed">
          <p lang="en" dir="ltr">
            {receipt.printed.message}
          </p>
        </Notice>
      )}
      <p className="field__help">{t('receipt.removeCard')}</p>
      <ErrorNote error={reprint.error ?? finish.error} />
    </Screen>
  );
}
