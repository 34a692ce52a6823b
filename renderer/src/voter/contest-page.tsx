/**
 * One contest of the ballot: its question, how many choices it takes, a counter of choices made, and
 * its options as large native checkboxes (Space toggles; each shows "selected" in words and a check
 * mark, not by colour alone). When a multi-choice contest is full, the other options stay focusable but
 * say they are unavailable and why (WCAG 3.3.1).
 */
import { useId, useState } from 'react';
import type { ContestView } from '../../../main/rpc/api';
import { useI18n } from '../i18n/i18n-context';
import { useAnnounce } from '../ui/announcer';
import { HumanText } from '../ui/human-text';
import { Notice } from '../ui/status-mark';
import { toggleOption } from './selection-rules';

export interface ContestPageProps {
  readonly contest: ContestView;
  readonly chosen: readonly string[];
  readonly onChange: (chosen: readonly string[]) => void;
}

export function ContestPage(props: ContestPageProps) {
  const { t, tn, pick } = useI18n();
  const announce = useAnnounce();
  const id = useId();
  const { contest, chosen } = props;
  const [refused, setRefused] = useState(false);
  const full = chosen.length >= contest.maxChoices;
  const optionLabel = (optionId: string) => {
    const option = contest.options.find((o) => o.id === optionId);
    return option ? pick(option.label).text : optionId;
  };

  const toggle = (optionId: string) => {
    const outcome = toggleOption(contest, chosen, optionId);
    switch (outcome.kind) {
      case 'at-max':
        setRefused(true);
        announce(tn('ballot.maxReached', contest.maxChoices), 'assertive');
        return;
      case 'replaced':
        setRefused(false);
        announce(t('ballot.changed', { option: optionLabel(optionId) }));
        break;
      case 'selected':
      case 'deselected':
        setRefused(false);
        break;
    }
    props.onChange(outcome.chosen);
  };

  return (
    <fieldset
      className="contest"
      data-testid={`contest-${contest.id}`}
      aria-describedby={`${id}-rules ${id}-count`}
    >
      <legend className="contest__question">
        <HumanText value={contest.question} />
      </legend>
      <div id={`${id}-rules`} className="contest__rules">
        <p className="contest__max">{tn('ballot.chooseUpTo', contest.maxChoices)}</p>
        <p className="contest__blank">{t('ballot.blankAllowed')}</p>
      </div>
      <p
        id={`${id}-count`}
        className="contest__counter"
        role="status"
        aria-live="polite"
        data-testid="contest-counter"
      >
        {t('ballot.counter', { chosen: chosen.length, max: contest.maxChoices })}
      </p>
      <ul className="options">
        {contest.options.map((option) => {
          const selected = chosen.includes(option.id);
          const unavailable = !selected && full && contest.maxChoices > 1;
          return (
            <li key={option.id}>
              <label
                className={`option${selected ? ' is-selected' : ''}${unavailable ? ' is-unavailable' : ''}`}
              >
                <input
                  type="checkbox"
                  className="option__input"
                  checked={selected}
                  aria-disabled={unavailable ? true : undefined}
                  aria-describedby={unavailable ? `${id}-full` : undefined}
                  data-option={option.id}
                  onChange={() => toggle(option.id)}
                />
                <span className="option__box" aria-hidden="true">
                  {selected ? '✓' : ''}
                </span>
                <HumanText value={option.label} className="option__label" />
                {selected && (
                  <span className="option__state" aria-hidden="true">
                    {t('ballot.selectedMark')}
                  </span>
                )}
              </label>
            </li>
          );
        })}
      </ul>
      {full && contest.maxChoices > 1 && (
        <p id={`${id}-full`} className={refused ? 'visually-hidden' : 'field__help'}>
          {tn('ballot.maxReached', contest.maxChoices)}
        </p>
      )}
      {refused && (
        <Notice tone="warning" testId="max-reached">
          <p>{tn('ballot.maxReached', contest.maxChoices)}</p>
        </Notice>
      )}
    </fieldset>
  );
}
