/**
 * Setting up the kiosk for an election (issue 6 "Provisioning"), as the four steps the backend tracks:
 * load and verify the signed package and bundle → create and seal the kiosk key with the HSM PIN →
 * enrol with the ledger (signed by the official's card, public on the log) → ready. Each step shows
 * what was verified, so the official can compare it with what they were told to expect.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { ElectionSummary, ProvisioningStep, ProvisioningView } from '../../../main/rpc/api';
import { autonymOf } from '../i18n/catalogue';
import { useI18n } from '../i18n/i18n-context';
import { useAction, useRpcClient } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { Field } from '../ui/field';
import { HumanText } from '../ui/human-text';
import { PinPad } from '../ui/pin-pad';
import { StatusMark } from '../ui/status-mark';

const STEPS: readonly ProvisioningStep[] = ['unconfigured', 'package-loaded', 'key-created', 'ready'];
const STEP_LABEL = {
  unconfigured: 'prov.step.load',
  'package-loaded': 'prov.step.key',
  'key-created': 'prov.step.enrol',
  ready: 'prov.step.ready',
} as const;

function Steps(props: { readonly step: ProvisioningStep }) {
  const { t } = useI18n();
  const current = STEPS.indexOf(props.step);
  return (
    <ol className="steps" data-testid="provisioning-steps">
      {STEPS.map((step, i) => {
        const state = i < current || props.step === 'ready' ? 'done' : i === current ? 'current' : 'todo';
        return (
          <li
            key={step}
            className={`steps__item steps__item--${state}`}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <StatusMark tone={state === 'done' ? 'ok' : state === 'current' ? 'pending' : 'info'}>
              {t(STEP_LABEL[step])} <span className="visually-hidden">({t(`prov.stepState.${state}`)})</span>
            </StatusMark>
          </li>
        );
      })}
    </ol>
  );
}

export function ElectionFacts(props: { readonly election: ElectionSummary }) {
  const { t, number, dateTime } = useI18n();
  const e = props.election;
  const rows: [string, ReactNode][] = [
    [t('prov.summary.title'), <HumanText key="t" value={e.title} />],
    [
      t('prov.summary.electionId'),
      <span key="i" className="mono" dir="ltr">
        {e.electionId}
      </span>,
    ],
    [t('prov.summary.languages'), e.languages.map(autonymOf).join(', ')],
    [
      t('prov.summary.window'),
      t('status.window', { opens: dateTime(e.window.opens), closes: dateTime(e.window.closes) }),
    ],
    [t('prov.summary.mode'), t(`prov.mode.${e.mode}`)],
    [t('prov.summary.styles'), number(e.ballotStyles)],
    [t('prov.summary.contests'), number(e.contests)],
    [
      t('prov.summary.signatures'),
      <StatusMark key="s" tone={e.signatures.valid >= e.signatures.required ? 'ok' : 'error'}>
        {t('prov.summary.signatureCount', { valid: e.signatures.valid, required: e.signatures.required })}
      </StatusMark>,
    ],
    [
      t('prov.summary.ledger'),
      <span key="l" dir="ltr">
        {e.ledgerUrl}
      </span>,
    ],
    [t('prov.summary.credentials'), number(e.credentials)],
  ];
  return (
    <dl className="facts" data-testid="election-facts">
      {rows.map(([label, value]) => (
        <div className="facts__row" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * In demo mode the demo election's folder (DevFixtures.electionDir) is the default path, so an official
 * who unconfigured the demo kiosk can set it up again without looking for it. Never on a real kiosk:
 * there the official names the USB stick or folder they were given.
 */
function useDemoElectionDir(demo: boolean, wanted: boolean, onFound: (dir: string) => void): void {
  const client = useRpcClient();
  useEffect(() => {
    if (!demo || !wanted) return;
    let live = true;
    void client.call('devFixtures', {}).then((r) => {
      if (live && r.ok) onFound(r.value.electionDir);
    });
    return () => {
      live = false;
    };
  }, [client, demo, wanted, onFound]);
}

export function ProvisioningPanel(props: {
  readonly provisioning: ProvisioningView;
  /** The kiosk runs in demo mode (its dev dock knows the demo election's folder). */
  readonly demo: boolean;
}) {
  const { t } = useI18n();
  const { provisioning } = props;
  const action = useAction();
  const [path, setPath] = useState('');
  const [bundlePath, setBundlePath] = useState('');
  const [hsmPin, setHsmPin] = useState('');
  const step = provisioning.step;
  // Fills the field only while it is empty: what the official typed is never replaced.
  const fillPath = useCallback((dir: string) => setPath((p) => (p === '' ? dir : p)), []);
  useDemoElectionDir(props.demo, step === 'unconfigured', fillPath);
  return (
    <section className="panel" aria-labelledby="prov-title" data-testid="provisioning-panel">
      <h2 id="prov-title">{t('prov.title')}</h2>
      <Steps step={step} />
      {provisioning.election && (
        <>
          <h3>{t('prov.summary')}</h3>
          <ElectionFacts election={provisioning.election} />
        </>
      )}
      {step === 'unconfigured' && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const trimmed = bundlePath.trim();
            void action.run(
              'loadElection',
              trimmed === '' ? { path: path.trim() } : { path: path.trim(), bundlePath: trimmed },
            );
          }}
        >
          <Field
            label={t('prov.path')}
            help={t('prov.pathHelp')}
            value={path}
            onChange={setPath}
            dir="ltr"
            spellCheck={false}
            required
            data-testid="package-path"
          />
          <Field
            label={t('prov.bundlePath')}
            value={bundlePath}
            onChange={setBundlePath}
            dir="ltr"
            spellCheck={false}
          />
          <Button
            type="submit"
            variant="primary"
            size="large"
            busy={action.busy}
            unavailable={path.trim() === ''}
          >
            {t('prov.load')}
          </Button>
        </form>
      )}
      {step === 'package-loaded' && (
        <div className="form">
          <p>{t('prov.keyHelp')}</p>
          <PinPad
            label={t('prov.hsmPin')}
            value={hsmPin}
            onChange={setHsmPin}
            busy={action.busy}
            submitLabel={t('prov.createKey')}
            onSubmit={(pin) => void action.run('createKioskKey', { hsmPin: pin }).then(() => setHsmPin(''))}
          />
        </div>
      )}
      {step === 'key-created' && (
        <div className="form">
          <p>{t('prov.enrolHelp')}</p>
          <Button
            variant="primary"
            size="large"
            busy={action.busy}
            onClick={() => void action.run('enrolKiosk', {})}
            data-testid="enrol"
          >
            {t('prov.enrol')}
          </Button>
        </div>
      )}
      {step === 'ready' && (
        <p data-testid="provisioning-ready">
          <StatusMark tone="ok">{t('prov.ready')}</StatusMark>
          {provisioning.enrolmentIndex !== null && (
            <span className="facts__sub">
              {t('prov.enrolmentIndex', { index: provisioning.enrolmentIndex })}
            </span>
          )}
        </p>
      )}
      <ErrorNote error={action.error} />
    </section>
  );
}

export function UnlockPanel() {
  const { t } = useI18n();
  const action = useAction();
  const [pin, setPin] = useState('');
  return (
    <section className="panel" aria-labelledby="unlock-title" data-testid="unlock-panel">
      <h2 id="unlock-title">{t('unlock.title')}</h2>
      <p>{t('unlock.body')}</p>
      <PinPad
        label={t('prov.hsmPin')}
        value={pin}
        onChange={setPin}
        busy={action.busy}
        submitLabel={t('unlock.submit')}
        onSubmit={(value) => void action.run('unlockHsm', { hsmPin: value }).then(() => setPin(''))}
      />
      <ErrorNote error={action.error} />
    </section>
  );
}
