/**
 * A poll worker confirms that the person at the kiosk is the one on the scanned document (issue 6:
 * "ID document confirmed by a poll worker"). The details show only here, on the signed-in staff
 * console, and leave with the session (main/rpc/api.ts DocumentView).
 */
import { useState } from 'react';
import type { DocumentView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { StatusMark } from '../ui/status-mark';

export function DocumentCheckPanel(props: { readonly document: DocumentView | null }) {
  const { t } = useI18n();
  const action = useAction();
  const [confirmed, setConfirmed] = useState(false);
  const confirm = (matches: boolean) => {
    void action.run('confirmDocument', { matches }).then((r) => setConfirmed(r.ok));
  };
  const doc = props.document;
  if (doc === null) {
    return (
      <section className="panel" aria-labelledby="doc-title" data-testid="document-panel">
        <h2 id="doc-title">{t('document.title')}</h2>
        <p role="status">{confirmed ? t('document.done') : t('document.none')}</p>
      </section>
    );
  }
  const rows: [string, string | null][] = [
    [t('document.surname'), doc.surname],
    [t('document.givenNames'), doc.givenNames],
    [t('document.birthDate'), doc.birthDate],
    [t('document.nationality'), doc.nationality],
    [t('document.issuingState'), doc.issuingState],
    [t('document.type'), `${doc.documentType} (${doc.format})`],
    [t('document.expiryDate'), doc.expiryDate],
  ];
  return (
    <section className="panel" aria-labelledby="doc-title" data-testid="document-panel">
      <h2 id="doc-title">{t('document.title')}</h2>
      <p>{t('document.instructions')}</p>
      <dl className="facts facts--document">
        {rows.map(([label, value]) => (
          <div className="facts__row" key={label}>
            <dt>{label}</dt>
            <dd dir="ltr">{value ?? '—'}</dd>
          </div>
        ))}
        <div className="facts__row">
          <dt>{t('document.checkDigits')}</dt>
          <dd>
            <StatusMark tone={doc.valid ? 'ok' : 'error'}>
              {doc.valid ? t('document.valid') : t('document.invalid')}
            </StatusMark>
          </dd>
        </div>
      </dl>
      <div className="panel__actions">
        <Button variant="danger" size="large" busy={action.busy} onClick={() => confirm(false)}>
          {t('document.noMatch')}
        </Button>
        <Button
          variant="primary"
          size="large"
          busy={action.busy}
          data-testid="document-matches"
          onClick={() => confirm(true)}
        >
          {t('document.matches')}
        </Button>
      </div>
      <ErrorNote error={action.error} />
    </section>
  );
}
