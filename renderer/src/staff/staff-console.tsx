/**
 * What a signed-in poll worker, official or technician sees (issue 6; main/rpc/api.ts METHOD_ACCESS):
 * only the panels their role may use, the one that needs them first (a document to confirm, a kiosk
 * to set up or unlock) opened by default, and a way to sign out.
 */
import { useState } from 'react';
import type { KioskStatus, StaffRole, StaffView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { Screen } from '../ui/screen';
import { DiagnosticsPanel } from './diagnostics-panel';
import { DocumentCheckPanel } from './document-check-panel';
import { PollsPanel } from './polls-panel';
import { ProvisioningPanel, UnlockPanel } from './provisioning-panel';
import { ReportsPanel } from './report-view';
import { StatusPanel } from './status-panel';
import { UnconfigurePanel } from './unconfigure-panel';

export type PanelId =
  'status' | 'document' | 'provisioning' | 'unlock' | 'polls' | 'reports' | 'diagnostics' | 'unconfigure';

export function panelsFor(role: StaffRole, status: KioskStatus): PanelId[] {
  const documentWaiting = status.session.voter.phase === 'awaiting-confirmation';
  const ready = status.provisioning.step === 'ready';
  const official = role === 'official';
  const pollWorker = official || role === 'poll-worker';
  const technician = official || role === 'technician';
  const panels: PanelId[] = [];
  // A technician comes to look at the devices: their page opens first.
  if (role === 'technician') return ['diagnostics', 'status'];
  if (pollWorker && documentWaiting) panels.push('document');
  // Locked after a restart (DESIGN §8), also between creating the kiosk key and enrolling it.
  if (official && status.locked) panels.push('unlock');
  if (official && !ready) panels.push('provisioning');
  panels.push('status');
  if (pollWorker && ready) panels.push('polls', 'reports');
  if (technician) panels.push('diagnostics');
  if (official && ready) panels.push('provisioning');
  if (official && status.provisioning.step !== 'unconfigured') panels.push('unconfigure');
  return panels;
}

export function StaffConsole(props: { readonly staff: StaffView; readonly status: KioskStatus }) {
  const { t } = useI18n();
  const { staff, status } = props;
  const panels = panelsFor(staff.role, status);
  const [chosen, setChosen] = useState<PanelId | null>(null);
  const signOut = useAction();
  const current: PanelId = chosen !== null && panels.includes(chosen) ? chosen : panels[0]!;
  const document =
    status.session.voter.phase === 'awaiting-confirmation' ? status.session.voter.document : null;
  const reports: ('zero' | 'close')[] =
    status.polls === 'closed' ? ['zero', 'close'] : status.polls === 'not-open' ? [] : ['zero'];

  return (
    <Screen
      title={t('staff.title')}
      testId="staff-console"
      className="screen--staff"
      focusKey={staff.role}
      lead={
        <div className="staff-bar">
          <p data-testid="staff-identity">
            {t('staff.signedInAs', { name: staff.name, role: t(`role.${staff.role}`) })}
          </p>
          <Button
            variant="secondary"
            busy={signOut.busy}
            onClick={() => void signOut.run('logOut', {})}
            data-testid="sign-out"
          >
            {t('staff.signOut')}
          </Button>
        </div>
      }
    >
      <p className="field__help">{t('staff.signOutHint')}</p>
      <nav className="staff-nav" aria-label={t('staff.navLabel')}>
        <ul>
          {panels.map((panel) => (
            <li key={panel}>
              <button
                type="button"
                className={`btn btn--tab${panel === current ? ' is-current' : ''}`}
                aria-current={panel === current ? 'page' : undefined}
                data-testid={`nav-${panel}`}
                onClick={() => setChosen(panel)}
              >
                {t(`staff.nav.${panel}`)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="staff-panel">
        {current === 'status' && <StatusPanel status={status} />}
        {current === 'document' && <DocumentCheckPanel document={document} />}
        {current === 'provisioning' && (
          <ProvisioningPanel provisioning={status.provisioning} demo={status.mode === 'demo'} />
        )}
        {current === 'unlock' && <UnlockPanel />}
        {current === 'polls' && <PollsPanel status={status} role={staff.role} />}
        {current === 'reports' && <ReportsPanel available={reports} />}
        {current === 'diagnostics' && <DiagnosticsPanel />}
        {current === 'unconfigure' && <UnconfigurePanel ledger={status.ledger} />}
      </div>
      <ErrorNote error={signOut.error} />
    </Screen>
  );
}
