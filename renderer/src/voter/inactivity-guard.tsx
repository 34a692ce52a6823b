/**
 * The inactivity timeout (issue 6: timeouts end the session without leaving a half-cast ballot). The
 * backend owns the deadline (`session.expiresAt`) and ends the session itself; this guard warns the
 * voter before it does, with a countdown and an "I need more time" button, and tells the backend the
 * voter is still there whenever they touch or type (at most every few seconds). Time is the backend's:
 * the page clock is corrected by the offset measured on each status.
 */
import { useEffect, useRef, useState } from 'react';
import type { VoterView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useRpcClient, useStatusSnapshot, useAction } from '../rpc/rpc-context';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';

/** Warn this long before the end. */
export const WARNING_MS = 30_000;
/**
 * Phases in which the end of the session would surprise someone at work: a ballot being marked or
 * reviewed, a receipt being read, a voter waiting for a poll worker or a retry. Refusal and "ended"
 * screens simply return to the start when their time is up: no warning there.
 */
const WARN_IN: ReadonlySet<VoterView['phase']> = new Set([
  'ballot',
  'review',
  'cast',
  'awaiting-confirmation',
  'check-in-failed',
]);
/** Tell the backend about activity at most this often. */
const ACTIVITY_THROTTLE_MS = 5_000;

export function secondsLeft(expiresAt: string | null, pageNow: number, clockOffsetMs: number): number | null {
  if (expiresAt === null) return null;
  const end = Date.parse(expiresAt);
  if (!Number.isFinite(end)) return null;
  return Math.max(0, Math.ceil((end - (pageNow + clockOffsetMs)) / 1000));
}

export function InactivityGuard(props: { readonly phase: VoterView['phase'] }) {
  const { t, tn } = useI18n();
  const snapshot = useStatusSnapshot();
  const client = useRpcClient();
  const more = useAction();
  const announce = useAnnounce();
  const expiresAt = snapshot.status?.session.expiresAt ?? null;
  const [now, setNow] = useState(() => Date.now());
  const lastPing = useRef(0);

  useEffect(() => {
    if (expiresAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);

  useEffect(() => {
    if (props.phase === 'casting') return;
    const onActivity = () => {
      const at = Date.now();
      if (at - lastPing.current < ACTIVITY_THROTTLE_MS) return;
      lastPing.current = at;
      void client.call('keepAlive', {});
    };
    document.addEventListener('pointerdown', onActivity, true);
    document.addEventListener('keydown', onActivity, true);
    return () => {
      document.removeEventListener('pointerdown', onActivity, true);
      document.removeEventListener('keydown', onActivity, true);
    };
  }, [client, props.phase]);

  const left = secondsLeft(expiresAt, now, snapshot.clockOffsetMs);
  const warning = left !== null && left * 1000 <= WARNING_MS && WARN_IN.has(props.phase);
  const cast = props.phase === 'cast';
  const marking = props.phase === 'ballot' || props.phase === 'review';

  useEffect(() => {
    if (warning && left === 10) announce(tn(cast ? 'timeout.receipt' : 'timeout.body', left), 'assertive');
  }, [warning, left, cast, announce, tn]);

  return (
    <Dialog
      open={warning}
      alert
      title={t('timeout.title')}
      testId="timeout-dialog"
      onCancel={() => void more.run('keepAlive', {})}
      actions={
        <Button
          variant="primary"
          size="large"
          autoFocus
          busy={more.busy}
          onClick={() => void more.run('keepAlive', {})}
        >
          {t('timeout.more')}
        </Button>
      }
    >
      <p className="timeout__count" data-testid="timeout-count">
        {tn(cast ? 'timeout.receipt' : 'timeout.body', left ?? 0)}
      </p>
      {marking && <p>{t('timeout.notCast')}</p>}
    </Dialog>
  );
}
