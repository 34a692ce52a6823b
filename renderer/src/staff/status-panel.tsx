/**
 * The kiosk's state for staff (issue 6: "the UI can show how many ballots wait and the last
 * acknowledged checkpoint"): polls, counts, the queue to the ledger, the last checkpoint the kiosk
 * verified, ledger reachability and the alarms (tamper, power, printer...). Every state is words plus
 * an icon, never colour alone.
 */
import type { ReactNode } from 'react';
import type { Alarm, KioskStatus, LedgerView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { HumanText } from '../ui/human-text';
import { StatusMark, type Tone } from '../ui/status-mark';

function Row(props: { readonly label: string; readonly children: ReactNode; readonly testId?: string }) {
  return (
    <div className="facts__row" data-testid={props.testId}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

export function LedgerFacts(props: { readonly ledger: LedgerView }) {
  const { t, number, dateTime } = useI18n();
  const { ledger } = props;
  const reach: [Tone, string] =
    ledger.reachable === null
      ? ['pending', t('status.ledgerUnknown')]
      : ledger.reachable
        ? ['ok', t('status.ledgerReachable')]
        : ['error', t('status.ledgerUnreachable')];
  const cp = ledger.lastAcknowledgedCheckpoint;
  return (
    <>
      <Row label={t('status.ledger')} testId="ledger-reachability">
        <StatusMark tone={reach[0]}>{reach[1]}</StatusMark>
        {ledger.url && (
          <span className="facts__sub" dir="ltr">
            {ledger.url}
          </span>
        )}
      </Row>
      <Row label={t('status.ballotsWaiting')} testId="ballots-waiting">
        {number(ledger.ballotsWaiting)}
      </Row>
      <Row label={t('status.chainedWaiting')}>{number(ledger.chainedWaiting)}</Row>
      <Row label={t('status.lastCheckpoint')} testId="last-checkpoint">
        {cp === null ? (
          t('status.noCheckpoint')
        ) : (
          <>
            {t('status.checkpointDetail', {
              size: number(cp.size),
              cosignatures: number(cp.cosignatures),
              time: dateTime(cp.verifiedAt),
            })}
            <span className="facts__sub mono" dir="ltr">
              {cp.origin} · {cp.rootHash}
            </span>
          </>
        )}
      </Row>
      {ledger.lastError !== null && (
        <Row label={t('status.lastError')}>
          <span lang="en" dir="ltr">
            {ledger.lastError}
          </span>
        </Row>
      )}
    </>
  );
}

export function AlarmList(props: { readonly alarms: readonly Alarm[] }) {
  const { t, dateTime } = useI18n();
  if (props.alarms.length === 0) return <StatusMark tone="ok">{t('status.noAlarms')}</StatusMark>;
  return (
    <ul className="alarm-list" data-testid="alarms">
      {props.alarms.map((alarm, i) => (
        <li
          key={`${alarm.kind}-${alarm.device}-${i}`}
          className={`alarm${alarm.blocking ? ' alarm--blocking' : ''}`}
        >
          <StatusMark tone={alarm.blocking ? 'error' : 'warning'}>
            <strong>{t(`alarm.kind.${alarm.kind}`)}</strong>
            {alarm.blocking && ` — ${t('alarm.blocking')}`}
          </StatusMark>
          <span className="facts__sub">
            <span lang="en" dir="ltr">
              {alarm.device}: {alarm.message}
            </span>{' '}
            · {t('alarm.since', { time: dateTime(alarm.since) })}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function StatusPanel(props: { readonly status: KioskStatus }) {
  const { t, number, dateTime } = useI18n();
  const { status } = props;
  const election = status.provisioning.election;
  const pollsTone: Tone = status.polls === 'open' ? 'ok' : status.polls === 'paused' ? 'warning' : 'info';
  return (
    <section aria-labelledby="status-title" className="panel" data-testid="status-panel">
      <h2 id="status-title">{t('status.title')}</h2>
      <dl className="facts">
        <Row label={t('status.election')}>
          {election ? <HumanText value={election.title} /> : t('status.noElection')}
          {election && (
            <span className="facts__sub">
              {t('status.window', {
                opens: dateTime(election.window.opens),
                closes: dateTime(election.window.closes),
              })}
            </span>
          )}
        </Row>
        <Row label={t('status.kioskId')}>
          <span className="mono" dir="ltr">
            {status.provisioning.kioskId ?? '—'}
          </span>
        </Row>
        <Row label={t('status.polls')} testId="polls-state">
          <StatusMark tone={pollsTone}>{t(`polls.state.${status.polls}`)}</StatusMark>
          {status.locked && (
            <span className="facts__sub">
              <StatusMark tone="warning">{t('status.locked')}</StatusMark>
            </span>
          )}
        </Row>
        <Row label={t('status.checkins')} testId="count-checkins">
          {number(status.counts.checkins)}
        </Row>
        <Row label={t('status.ballots')} testId="count-ballots">
          {number(status.counts.ballots)}
        </Row>
        <LedgerFacts ledger={status.ledger} />
      </dl>
      <h3>{t('status.alarms')}</h3>
      <AlarmList alarms={status.alarms} />
    </section>
  );
}
