/**
 * The demo dock (demo mode only; the backend refuses these methods on a real kiosk with `not-demo`):
 * stands in for the hands of a voter, a poll worker and a technician on the emulated devices: insert
 * or remove a demo card (with its role and PIN), scan a demo ID document, open the lid, cut the power,
 * jam the printer, stop and start the embedded ledger. It also shows where the demo election's folder
 * is, which the provisioning screen offers as its default path, and how to unlock a restarted kiosk. Marked DEMO everywhere it shows, and collapsible
 * so it never hides the screen it drives.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DevFixtures, KioskApi } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { Notice, StatusMark } from '../ui/status-mark';

type DockMethod =
  | 'devFixtures'
  | 'devInsertCard'
  | 'devRemoveCard'
  | 'devScanDocument'
  | 'devSetLid'
  | 'devSetPower'
  | 'devSetPrinter'
  | 'devSetLedger';

const PRINTER_STATES = ['ready', 'jammed', 'paper-out', 'offline'] as const;

/** The dock's switch, in the top bar so it never covers the screen it drives (WCAG 2.4.11). */
export function DevDockToggle(props: { readonly open: boolean; readonly onToggle: () => void }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className="btn dev-dock__toggle"
      aria-expanded={props.open}
      aria-controls="dev-dock"
      data-testid="dev-dock-toggle"
      onClick={props.onToggle}
    >
      <span className="demo-badge" data-testid="demo-badge">
        {t('dock.badge')}
      </span>{' '}
      {props.open ? t('dock.close') : t('dock.open')}
    </button>
  );
}

export function DevDock(props: {
  readonly statusRevision: number;
  /** The kiosk is locked until an official enters the HSM PIN (a restarted demo, DESIGN §8). */
  readonly locked: boolean;
  readonly open: boolean;
  readonly onClose: () => void;
}) {
  const { t } = useI18n();
  const { open } = props;
  const [fixtures, setFixtures] = useState<DevFixtures | null>(null);
  const action = useAction();
  const { run } = action;
  const call = useCallback(
    <M extends DockMethod>(method: M, input: KioskApi[M]['input']) => {
      void run(method, input).then((r) => {
        if (r.ok) setFixtures(r.value);
      });
    },
    [run],
  );
  // Devices also change without the dock (a card is removed by a session ending, a printer recovers):
  // re-read the fixtures when the kiosk's status moves on and the dock is open.
  useEffect(() => {
    if (open) call('devFixtures', {});
  }, [open, props.statusRevision, call]);

  return (
    <aside
      id="dev-dock"
      className="dev-dock"
      aria-labelledby="dev-dock-title"
      data-testid="dev-dock"
      hidden={!open}
    >
      {open && (
        <div className="dev-dock__body">
          <div className="dev-dock__head">
            <h2 id="dev-dock-title">
              <span className="demo-badge">{t('dock.badge')}</span> {t('dock.title')}
            </h2>
            <Button variant="secondary" onClick={props.onClose} data-testid="dev-dock-close">
              {t('dock.close')}
            </Button>
          </div>
          <ErrorNote error={action.error} />
          {fixtures === null ? (
            <p>{t('common.working')}</p>
          ) : (
            <>
              <section aria-labelledby="dock-election">
                <h3 id="dock-election">{t('dock.election')}</h3>
                <p>
                  <span className="mono" dir="ltr" data-testid="dock-election-dir">
                    {fixtures.electionDir}
                  </span>
                </p>
                <p className="field__help">{t('dock.electionHelp')}</p>
              </section>
              <section aria-labelledby="dock-cards">
                <h3 id="dock-cards">{t('dock.cards')}</h3>
                <p>
                  {fixtures.insertedCard === null
                    ? t('dock.noCard')
                    : t('dock.inserted', { label: fixtures.insertedCard })}{' '}
                  {fixtures.insertedCard !== null && (
                    <Button
                      variant="secondary"
                      onClick={() => call('devRemoveCard', {})}
                      data-testid="dock-remove-card"
                    >
                      {t('dock.remove')}
                    </Button>
                  )}
                </p>
                <table className="table table--compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('dock.card')}</th>
                      <th scope="col">{t('dock.role')}</th>
                      <th scope="col">{t('dock.pin')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('dock.insert')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {fixtures.cards.map((card) => (
                      <tr key={card.label} data-card={card.label}>
                        <th scope="row">
                          <span dir="ltr">{card.label}</span>
                          <span className="facts__sub" lang="en" dir="ltr">
                            {card.description}
                          </span>
                        </th>
                        <td>{t(`role.${card.role}`)}</td>
                        <td className="mono" dir="ltr">
                          {card.pin}
                        </td>
                        <td>
                          <Button
                            variant="secondary"
                            unavailable={fixtures.insertedCard !== null}
                            onClick={() => call('devInsertCard', { label: card.label })}
                            data-testid={`dock-insert-${card.label}`}
                          >
                            {t('dock.insert')}
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section aria-labelledby="dock-docs">
                <h3 id="dock-docs">{t('dock.documents')}</h3>
                <ul className="dock-list">
                  {fixtures.documents.map((doc) => (
                    <li key={doc.name} data-document={doc.name}>
                      <span>
                        <span dir="ltr">{doc.name}</span>
                        <span className="facts__sub" lang="en" dir="ltr">
                          {doc.description}
                        </span>
                      </span>
                      <Button
                        variant="secondary"
                        onClick={() => call('devScanDocument', { name: doc.name })}
                        data-testid={`dock-scan-${doc.name}`}
                      >
                        {t('dock.scan')}
                      </Button>
                    </li>
                  ))}
                </ul>
              </section>
              <section aria-labelledby="dock-devices">
                <h3 id="dock-devices">{t('dock.devices')}</h3>
                <p>{t('dock.hsmPin', { pin: fixtures.hsmPin })}</p>
                {props.locked && (
                  <Notice tone="warning" testId="dock-locked">
                    <p>{t('dock.locked', { pin: fixtures.hsmPin })}</p>
                  </Notice>
                )}
                <dl className="facts facts--compact">
                  <div className="facts__row">
                    <dt>{t('dock.lid')}</dt>
                    <dd>
                      <StatusMark tone={fixtures.lid === 'open' ? 'error' : 'ok'}>
                        {t(`dock.lidState.${fixtures.lid}`)}
                      </StatusMark>{' '}
                      <Button
                        variant="secondary"
                        onClick={() => call('devSetLid', { open: fixtures.lid !== 'open' })}
                        data-testid="dock-lid"
                      >
                        {fixtures.lid === 'open' ? t('dock.lidClose') : t('dock.lidOpen')}
                      </Button>
                    </dd>
                  </div>
                  <div className="facts__row">
                    <dt>{t('dock.power')}</dt>
                    <dd>
                      <StatusMark tone={fixtures.power === 'battery' ? 'warning' : 'ok'}>
                        {t(`dock.powerState.${fixtures.power}`)}
                      </StatusMark>{' '}
                      <Button
                        variant="secondary"
                        onClick={() =>
                          call('devSetPower', { source: fixtures.power === 'mains' ? 'battery' : 'mains' })
                        }
                        data-testid="dock-power"
                      >
                        {fixtures.power === 'mains' ? t('dock.powerCut') : t('dock.powerRestore')}
                      </Button>
                    </dd>
                  </div>
                  <div className="facts__row">
                    <dt>{t('dock.printer')}</dt>
                    <dd>
                      <div role="group" aria-label={t('dock.printer')} className="segmented">
                        {PRINTER_STATES.map((state) => (
                          <button
                            key={state}
                            type="button"
                            className={`btn btn--segment${fixtures.printer === state ? ' is-current' : ''}`}
                            aria-pressed={fixtures.printer === state}
                            onClick={() => call('devSetPrinter', { state })}
                            data-testid={`dock-printer-${state}`}
                          >
                            {t(`dock.printerState.${state}`)}
                          </button>
                        ))}
                      </div>
                    </dd>
                  </div>
                  <div className="facts__row">
                    <dt>{t('dock.ledger')}</dt>
                    <dd>
                      <StatusMark tone={fixtures.ledgerRunning ? 'ok' : 'error'}>
                        {fixtures.ledgerRunning ? t('dock.running') : t('dock.stopped')}
                      </StatusMark>{' '}
                      <Button
                        variant="secondary"
                        onClick={() => call('devSetLedger', { running: !fixtures.ledgerRunning })}
                        data-testid="dock-ledger"
                      >
                        {fixtures.ledgerRunning ? t('dock.ledgerStop') : t('dock.ledgerStart')}
                      </Button>
                    </dd>
                  </div>
                </dl>
              </section>
            </>
          )}
        </div>
      )}
    </aside>
  );
}
