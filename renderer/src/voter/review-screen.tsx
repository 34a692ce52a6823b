/**
 * Review before casting: every contest with the choices made, blank contests said in words ("Blank: no
 * choice") and contests with room left pointed out, each with a way back to change it. Casting sends
 * the revision the backend gave this review, so a stale screen can never cast other choices.
 *
 * "Cast" is claimed only by the backend (phase `cast`, after the signed ballot is durable). While the
 * call runs we say "casting"; if its answer is lost, we say we are checking, and the status decides.
 */
import { useEffect, useState } from 'react';
import type { BallotView, Selections } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAction, useStatusSnapshot } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ErrorNote } from '../ui/error-note';
import { HumanText } from '../ui/human-text';
import { Screen } from '../ui/screen';
import { Notice, StatusMark } from '../ui/status-mark';
import { FallbackLanguageNote } from './ballot-screen';
import { contestMark } from './selection-rules';
import { WaitingScreen } from './waiting-screen';

export function ReviewScreen(props: {
  readonly ballot: BallotView;
  readonly selections: Selections;
  readonly revision: number;
  readonly onEdit: (contestId: string | null) => void;
}) {
  const { t, pick } = useI18n();
  const { ballot, selections } = props;
  const cast = useAction();
  const edit = useAction();
  const snapshot = useStatusSnapshot();
  const [outcome, setOutcome] = useState<'idle' | 'casting' | 'unknown' | 'not-cast'>('idle');

  useEffect(() => {
    // The cast call's answer was lost but the backend answers again and still shows this review:
    // the ballot was not cast. (Had it been, the phase would be `cast`.)
    if (outcome === 'unknown' && snapshot.connection === 'online') setOutcome('not-cast');
  }, [outcome, snapshot.connection, snapshot.status?.revision]);

  if (outcome === 'casting') return <WaitingScreen kind="casting" />;
  if (outcome === 'unknown') return <WaitingScreen kind="cast-unknown" />;

  const doCast = () => {
    setOutcome('casting');
    void cast.run('castBallot', { revision: props.revision }).then((result) => {
      if (result.ok) return;
      setOutcome(result.error.code === 'offline' ? 'unknown' : 'not-cast');
    });
  };
  const doEdit = (contestId: string | null) => {
    void edit.run('editBallot', {}).then((result) => {
      if (result.ok) props.onEdit(contestId);
    });
  };

  return (
    <Screen
      title={t('review.title')}
      testId="review"
      className="screen--review"
      lead={<p>{t('review.instructions')}</p>}
      actions={
        <>
          <Button
            variant="secondary"
            size="large"
            busy={edit.busy}
            onClick={() => doEdit(null)}
            data-testid="back-to-ballot"
          >
            {t('review.back')}
          </Button>
          <span className="spacer" />
          <Button variant="primary" size="large" onClick={doCast} data-testid="cast">
            {t('review.cast')}
          </Button>
        </>
      }
    >
      <FallbackLanguageNote electionLanguages={ballot.languages} />
      {outcome === 'not-cast' && (
        <Notice tone="error" title={t('review.notCast')} live testId="not-cast">
          <p>{t('review.notCastAction')}</p>
        </Notice>
      )}
      <ErrorNote error={cast.error ?? edit.error} />
      <ol className="review-list">
        {ballot.contests.map((contest) => {
          const chosen = selections[contest.id] ?? [];
          const mark = contestMark(contest, chosen);
          const question = pick(contest.question).text;
          return (
            <li
              key={contest.id}
              className={`review-item review-item--${mark}`}
              data-testid={`review-${contest.id}`}
            >
              <HumanText value={contest.question} as="h2" className="review-item__question" />
              {mark === 'blank' ? (
                <p className="review-item__blank">
                  <StatusMark tone="warning">{t('review.blank')}</StatusMark>
                </p>
              ) : (
                <ul className="review-item__choices">
                  {contest.options
                    .filter((o) => chosen.includes(o.id))
                    .map((o) => (
                      <li key={o.id}>
                        <StatusMark tone="ok">
                          <HumanText value={o.label} />
                        </StatusMark>
                      </li>
                    ))}
                </ul>
              )}
              {mark === 'under' && (
                <p className="review-item__under">
                  {t('review.under', { chosen: chosen.length, max: contest.maxChoices })}
                </p>
              )}
              <Button
                variant="secondary"
                busy={edit.busy}
                onClick={() => doEdit(contest.id)}
                data-testid={`change-${contest.id}`}
              >
                {t('review.change')}
                <span className="visually-hidden">: {question}</span>
              </Button>
            </li>
          );
        })}
      </ol>
    </Screen>
  );
}
