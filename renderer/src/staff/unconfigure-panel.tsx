/**
 * Wiping the kiosk (issue 6): allowed once the ledger has acknowledged every ballot. Otherwise the
 * backend refuses, and only then is the override offered: set apart, marked as destroying ballots,
 * with a reason (logged by the backend), an explicit acknowledgement and a final confirmation.
 */
import { useState } from 'react';
import type { LedgerView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { ErrorNote } from '../ui/error-note';
import { Notice } from '../ui/status-mark';

const MIN_REASON = 10;

export function UnconfigurePanel(props: { readonly ledger: LedgerView }) {
  const { t, tn } = useI18n();
  const action = useAction();
  const [confirming, setConfirming] = useState<'normal' | 'override' | null>(null);
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const waiting = props.ledger.ballotsWaiting;
  const reasonOk = reason.trim().length >= MIN_REASON;
  const submit = (which: 'normal' | 'override') => {
    const input = which === 'override' ? { override: { reason: reason.trim() } } : {};
    void action.run('unconfigure', input).then((r) => {
      setConfirming(null);
      if (!r.ok && r.error.code === 'unacknowledged-ballots') setBlocked(true);
    });
  };
  return (
    <section className="panel" aria-labelledby="unconf-title" data-testid="unconfigure-panel">
      <h2 id="unconf-title">{t('unconf.title')}</h2>
      <p>{t('unconf.body')}</p>
      {waiting > 0 && (
        <Notice tone="warning">
          <p>{tn('unconf.waiting', waiting)}</p>
        </Notice>
      )}
      <div className="panel__actions">
        <Button variant="danger" onClick={() => setConfirming('normal')} data-testid="unconfigure">
          {t('unconf.submit')}
        </Button>
      </div>
      <ErrorNote error={action.error} />
      {(blocked || waiting > 0) && (
        <fieldset className="danger-zone" data-testid="override">
          <legend>
            <span aria-hidden="true">⚠ </span>
            {t('unconf.override.title')}
          </legend>
          <Notice tone="error">
            <p>{t('unconf.override.warning')}</p>
          </Notice>
          <label className="field">
            <span className="field__label">{t('unconf.override.reason')}</span>
            <textarea
              className="field__input"
              value={reason}
              minLength={MIN_REASON}
              maxLength={500}
              rows={3}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
            <span>{tn('unconf.override.ack', waiting)}</span>
          </label>
          <Button
            variant="danger"
            unavailable={!reasonOk || !understood}
            onClick={() => setConfirming('override')}
          >
            {t('unconf.override.submit')}
          </Button>
        </fieldset>
      )}
      <ConfirmDialog
        open={confirming !== null}
        danger
        title={confirming === 'override' ? t('unconf.override.title') : t('unconf.title')}
        confirmLabel={confirming === 'override' ? t('unconf.override.submit') : t('unconf.submit')}
        cancelLabel={t('common.cancel')}
        busy={action.busy}
        onCancel={() => setConfirming(null)}
        onConfirm={() => confirming && submit(confirming)}
      >
        <p>{confirming === 'override' ? t('unconf.override.warning') : t('unconf.confirm')}</p>
      </ConfirmDialog>
    </section>
  );
}
