/**
 * The ballot of the voter's style, one contest per page (large type, nothing to scroll past), with its
 * place in the ballot ("Contest 2 of 4") and a way back. The marks live in this component's memory
 * only until the voter asks to review them; then the backend checks them against the style
 * (reviewBallot) and holds them. Leaving without voting asks first, because the check-in is already
 * on the ledger: the voter cannot come back (DESIGN §5).
 */
import { useState } from 'react';
import type { BallotView, Selections } from '../../../main/rpc/api';
import { autonymOf } from '../i18n/catalogue';
import { electionHasLanguage } from '../i18n/human-string';
import { useI18n } from '../i18n/i18n-context';
import { useAction } from '../rpc/rpc-context';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { ErrorNote } from '../ui/error-note';
import { Screen } from '../ui/screen';
import { Notice } from '../ui/status-mark';
import { ContestPage } from './contest-page';
import { completeSelections } from './selection-rules';

export function FallbackLanguageNote(props: { readonly electionLanguages: readonly string[] }) {
  const { t, language } = useI18n();
  if (electionHasLanguage(props.electionLanguages, language)) return null;
  const fallback = props.electionLanguages[0] ?? 'en';
  return (
    <Notice tone="info" testId="fallback-language">
      <p>{t('fallbackLanguage.note', { language: autonymOf(language), fallback: autonymOf(fallback) })}</p>
    </Notice>
  );
}

export function BallotScreen(props: {
  readonly ballot: BallotView;
  readonly selections: Selections;
  readonly startContestId: string | null;
}) {
  const { t } = useI18n();
  const { ballot } = props;
  const [marks, setMarks] = useState<Selections>(() => completeSelections(ballot.contests, props.selections));
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      ballot.contests.findIndex((c) => c.id === props.startContestId),
    ),
  );
  const [leaving, setLeaving] = useState(false);
  const review = useAction();
  const leave = useAction();
  const contest = ballot.contests[index];
  const total = ballot.contests.length;
  const last = index >= total - 1;

  const submit = () => {
    const selections: Record<string, string[]> = {};
    for (const [contestId, chosen] of Object.entries(completeSelections(ballot.contests, marks))) {
      selections[contestId] = [...chosen];
    }
    void review.run('reviewBallot', { selections });
  };

  return (
    <Screen
      title={t('ballot.title')}
      focusKey={`contest-${index}`}
      testId="ballot"
      className="screen--ballot"
      lead={
        <p className="ballot__progress" data-testid="ballot-progress">
          {t('ballot.progress', { index: index + 1, total })}
        </p>
      }
      actions={
        <>
          <Button variant="ghost" onClick={() => setLeaving(true)} data-testid="leave">
            {t('ballot.cancel')}
          </Button>
          <span className="spacer" />
          {index > 0 && (
            <Button
              variant="secondary"
              size="large"
              onClick={() => setIndex(index - 1)}
              data-testid="previous"
            >
              <span aria-hidden="true" className="dir-arrow">
                ←{' '}
              </span>
              {t('ballot.previous')}
            </Button>
          )}
          {last ? (
            <Button
              variant="primary"
              size="large"
              busy={review.busy}
              onClick={submit}
              data-testid="to-review"
            >
              {t('ballot.review')}
            </Button>
          ) : (
            <Button variant="primary" size="large" onClick={() => setIndex(index + 1)} data-testid="next">
              {t('ballot.next')}
              <span aria-hidden="true" className="dir-arrow">
                {' '}
                →
              </span>
            </Button>
          )}
        </>
      }
    >
      <FallbackLanguageNote electionLanguages={ballot.languages} />
      {contest === undefined ? (
        <Notice tone="info">
          <p>{t('ballot.empty')}</p>
        </Notice>
      ) : (
        <ContestPage
          key={contest.id}
          contest={contest}
          chosen={marks[contest.id] ?? []}
          onChange={(chosen) => setMarks({ ...marks, [contest.id]: chosen })}
        />
      )}
      <ErrorNote error={review.error ?? leave.error} />
      <ConfirmDialog
        open={leaving}
        danger
        title={t('ballot.cancelConfirm.title')}
        confirmLabel={t('ballot.cancelConfirm.leave')}
        cancelLabel={t('ballot.cancelConfirm.stay')}
        busy={leave.busy}
        testId="leave-dialog"
        onCancel={() => setLeaving(false)}
        onConfirm={() => {
          void leave.run('cancelVoterSession', {}).then(() => setLeaving(false));
        }}
      >
        <p>{t('ballot.cancelConfirm.body')}</p>
      </ConfirmDialog>
    </Screen>
  );
}
