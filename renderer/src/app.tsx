/**
 * The kiosk page: providers (RPC, preferences, language, live regions), the top bar, the screen the
 * backend's status calls for (screens/choose-screen.ts), a banner when the backend stops answering,
 * and the demo dock in demo mode.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { KioskStatus } from '../../main/rpc/api';
import { TopBar } from './chrome/top-bar';
import { PreferencesProvider, usePreferences } from './display/preferences';
import { DEFAULT_LANGUAGE } from './i18n/catalogue';
import { I18nProvider, useI18n } from './i18n/i18n-context';
import { DevDock, DevDockToggle } from './dev-dock/dev-dock';
import type { RpcClient } from './rpc/client';
import { RpcProvider, useStatusSnapshot } from './rpc/rpc-context';
import type { StatusStore } from './rpc/status-store';
import { AttractScreen } from './screens/attract-screen';
import { chooseScreen, type ScreenChoice } from './screens/choose-screen';
import { ClosedScreen, ConnectingScreen } from './screens/closed-screen';
import { StaffConsole } from './staff/staff-console';
import { AnnouncerProvider } from './ui/announcer';
import { Notice } from './ui/status-mark';
import { CardScreen } from './voter/card-screen';
import { VoterFlow } from './voter/voter-flow';

const NO_LANGUAGES: readonly string[] = [];

function ScreenFor(props: { readonly choice: ScreenChoice; readonly status: KioskStatus | null }) {
  const { choice, status } = props;
  const election = status?.provisioning.election ?? null;
  switch (choice.kind) {
    case 'connecting':
      return <ConnectingScreen />;
    case 'staff':
      return <StaffConsole staff={choice.staff} status={status!} />;
    case 'card':
      return <CardScreen card={choice.card} audience={choice.audience} />;
    case 'voter':
      return <VoterFlow voter={choice.voter} />;
    case 'closed':
      return <ClosedScreen reason={choice.reason} />;
    case 'attract':
      return (
        <AttractScreen
          title={election?.title ?? null}
          electionLanguages={election?.languages ?? NO_LANGUAGES}
        />
      );
  }
}

/** When a voter session ends, the next person starts from the defaults (DESIGN §9). */
function useResetBetweenVoters(status: KioskStatus | null) {
  const { reset } = usePreferences();
  const previous = useRef<string>('idle');
  const phase = status?.session.voter.phase ?? 'idle';
  const staff = status?.staff ?? null;
  useEffect(() => {
    if (phase === 'idle' && previous.current !== 'idle' && staff === null) reset();
    previous.current = phase;
  }, [phase, staff, reset]);
}

function Page() {
  const snapshot = useStatusSnapshot();
  const { t } = useI18n();
  const { status } = snapshot;
  const [dockOpen, setDockOpen] = useState(false);
  const demo = status?.mode === 'demo';
  useResetBetweenVoters(status);
  const choice = chooseScreen(status);
  const election = status?.provisioning.election ?? null;
  const ballotLanguages =
    status?.session.voter.phase === 'ballot' || status?.session.voter.phase === 'review'
      ? status.session.voter.ballot.languages
      : null;
  return (
    <div className={dockOpen && demo ? 'page page--dock-open' : 'page'}>
      <a className="skip-link" href="#main">
        {t('chrome.skip')}
      </a>
      <TopBar
        title={election?.title ?? null}
        electionLanguages={ballotLanguages ?? election?.languages ?? NO_LANGUAGES}
        demoToggle={
          demo ? <DevDockToggle open={dockOpen} onToggle={() => setDockOpen(!dockOpen)} /> : undefined
        }
      />
      {snapshot.connection === 'offline' && (
        <div className="connection-banner">
          <Notice tone="error" title={t('connection.lost')} live testId="connection-lost">
            <p>{t('connection.lostAction')}</p>
          </Notice>
        </div>
      )}
      <main id="main" className="main" data-screen={choice.kind}>
        <ScreenFor choice={choice} status={status} />
      </main>
      {demo && (
        <DevDock
          statusRevision={status.revision}
          locked={status.locked && status.polls !== 'closed'}
          open={dockOpen}
          onClose={() => setDockOpen(false)}
        />
      )}
    </div>
  );
}

function LanguageRoot(props: { readonly children: ReactNode }) {
  const snapshot = useStatusSnapshot();
  const { language } = usePreferences();
  const current = snapshot.status?.provisioning.election?.languages ?? NO_LANGUAGES;
  // The same list arrives as a new array with every status; keep one identity per content so the
  // language functions (and what depends on them) change only when the languages do: `current` is
  // deliberately left out of the dependencies, `key` stands for it.
  const key = current.join('\n');
  const languages = useMemo(() => current, [key]);
  return (
    <I18nProvider language={language} electionLanguages={languages}>
      {props.children}
    </I18nProvider>
  );
}

function DefaultLanguage(props: { readonly children: ReactNode }) {
  const snapshot = useStatusSnapshot();
  // The election's first language (its strings exist in it); English before an election is loaded.
  const defaultLanguage = snapshot.status?.provisioning.election?.languages[0] ?? DEFAULT_LANGUAGE;
  return <PreferencesProvider defaultLanguage={defaultLanguage}>{props.children}</PreferencesProvider>;
}

export function App(props: { readonly client: RpcClient; readonly store: StatusStore }) {
  return (
    <RpcProvider client={props.client} store={props.store}>
      <DefaultLanguage>
        <LanguageRoot>
          <AnnouncerProvider>
            <Page />
          </AnnouncerProvider>
        </LanguageRoot>
      </DefaultLanguage>
    </RpcProvider>
  );
}
