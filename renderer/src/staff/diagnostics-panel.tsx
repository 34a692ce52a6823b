/**
 * The technician's view of every device in the one shape all drivers report (drivers/diagnostics.ts):
 * present, identity, self-test results, latency p50/p99, error counts and advice; the event log's hash
 * chain; and the log export (NIST SP 1500-101 JSON, DESIGN §8), to a path on the kiosk or downloaded.
 */
import { useEffect, useState } from 'react';
import type { DeviceDiagnosticsView, DiagnosticsView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { Field } from '../ui/field';
import { StatusMark } from '../ui/status-mark';
import { LedgerFacts } from './status-panel';

function ms(value: number | null): string {
  return value === null ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(0);
}

function DeviceCard(props: { readonly device: DeviceDiagnosticsView }) {
  const { t, dateTime } = useI18n();
  const d = props.device;
  const failed = d.selfTest.filter((s) => !s.passed).length;
  const errors = Object.entries(d.errorCounts).filter(([, n]) => n > 0);
  const identity = Object.entries(d.identity ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  return (
    <article className="device" aria-labelledby={`device-${d.id}`} data-testid={`device-${d.kind}`}>
      <h3 id={`device-${d.id}`}>
        {t(`diag.kind.${d.kind}`)}{' '}
        <span className="mono facts__sub" dir="ltr">
          {d.id}
        </span>
      </h3>
      <p className="device__state">
        <StatusMark tone={d.present ? 'ok' : 'error'}>
          {d.present ? t('diag.present') : t('diag.absent')}
        </StatusMark>{' '}
        <StatusMark tone="info">{d.real ? t('diag.real') : t('diag.emulated')}</StatusMark>{' '}
        {d.selfTest.length > 0 && (
          <StatusMark tone={failed === 0 ? 'ok' : 'error'}>
            {failed === 0 ? t('diag.allPassed') : t('diag.someFailed', { failed, total: d.selfTest.length })}
          </StatusMark>
        )}
      </p>
      {identity.length > 0 && (
        <dl className="facts facts--compact">
          {identity.map(([key, value]) => (
            <div className="facts__row" key={key}>
              <dt dir="ltr">{key}</dt>
              <dd dir="ltr">{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {d.selfTest.length > 0 && (
        <table className="table">
          <caption>{t('diag.selfTest')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('diag.test')}</th>
              <th scope="col">{t('diag.result')}</th>
              <th scope="col">{t('diag.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {d.selfTest.map((s) => (
              <tr key={s.name}>
                <th scope="row" dir="ltr">
                  {s.name}
                </th>
                <td>
                  <StatusMark tone={s.passed ? 'ok' : 'error'}>
                    {s.passed ? t('diag.passed') : t('diag.failed')}
                  </StatusMark>
                </td>
                <td lang="en" dir="ltr">
                  {s.detail} ({ms(s.durationMs)} ms)
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p data-testid="latency">
        <strong>{t('diag.latency')}: </strong>
        {d.latency.samples === 0
          ? t('diag.noSamples')
          : t('diag.latencyValue', {
              p50: ms(d.latency.p50Ms),
              p99: ms(d.latency.p99Ms),
              max: ms(d.latency.maxMs),
              samples: d.latency.samples,
            })}
      </p>
      <p>
        <strong>{t('diag.errors')}: </strong>
        {errors.length === 0 ? t('diag.noErrors') : errors.map(([name, n]) => `${name} ${n}`).join(', ')}
      </p>
      {d.advice.length > 0 && (
        <div className="device__advice">
          <strong>{t('diag.advice')}</strong>
          <ul lang="en" dir="ltr">
            {d.advice.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </div>
      )}
      <p className="facts__sub">{t('diag.checkedAt', { time: dateTime(d.checkedAt) })}</p>
    </article>
  );
}

function download(filename: string, contents: string): void {
  const url = URL.createObjectURL(new Blob([contents], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DiagnosticsPanel() {
  const { t, number } = useI18n();
  const run = useAction();
  const exporter = useAction();
  const [view, setView] = useState<DiagnosticsView | null>(null);
  const [path, setPath] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const { run: runAction } = run;
  const selfTest = () => {
    void runAction('getDiagnostics', {}).then((r) => r.ok && setView(r.value));
  };
  useEffect(() => {
    void runAction('getDiagnostics', {}).then((r) => r.ok && setView(r.value));
  }, [runAction]);
  const doExport = () => {
    const target = path.trim();
    setExported(null);
    void exporter.run('exportEventLog', target === '' ? {} : { path: target }).then((r) => {
      if (!r.ok) return;
      if (r.value.writtenTo !== null) {
        setExported(t('diag.exported', { path: r.value.writtenTo }));
      } else {
        const file = `ogas-event-log-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
        download(file, JSON.stringify(r.value.cdf, null, 2));
        setExported(t('diag.downloaded', { file }));
      }
    });
  };
  return (
    <section className="panel" aria-labelledby="diag-title" data-testid="diagnostics-panel">
      <h2 id="diag-title">{t('diag.title')}</h2>
      <div className="panel__actions">
        <Button variant="primary" busy={run.busy} onClick={selfTest} data-testid="run-self-test">
          {t('diag.run')}
        </Button>
      </div>
      <ErrorNote error={run.error} />
      {view && (
        <>
          <div className="device-grid">
            {view.devices.map((d) => (
              <DeviceCard key={d.id} device={d} />
            ))}
          </div>
          <h3>{t('status.ledger')}</h3>
          <dl className="facts">
            <LedgerFacts ledger={view.ledger} />
          </dl>
          <h3>{t('diag.eventLog')}</h3>
          <p data-testid="event-log-check">
            <StatusMark tone={view.eventLog.chainValid ? 'ok' : 'error'}>
              {view.eventLog.chainValid
                ? t('diag.chainValid')
                : t('diag.chainBroken', { index: view.eventLog.firstBroken ?? '?' })}
            </StatusMark>{' '}
            {t('diag.records', { count: number(view.eventLog.records) })}
          </p>
        </>
      )}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          doExport();
        }}
      >
        <h3>{t('diag.export')}</h3>
        <Field
          label={t('diag.exportPath')}
          help={t('diag.exportHelp')}
          value={path}
          onChange={setPath}
          dir="ltr"
          spellCheck={false}
        />
        <Button type="submit" variant="secondary" busy={exporter.busy}>
          {t('diag.export')}
        </Button>
        {exported && (
          <p role="status">
            <StatusMark tone="ok">{exported}</StatusMark>
          </p>
        )}
        <ErrorNote error={exporter.error} />
      </form>
    </section>
  );
}
