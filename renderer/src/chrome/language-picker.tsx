/**
 * The language choice, reachable from every voter screen (top bar) and laid out on the welcome screen.
 * Each language is named in itself and marked with its own lang, so a screen reader says "Deutsch" in
 * German; the current one is marked by a check and by aria-pressed, not by colour alone.
 */
import { useState } from 'react';
import { autonymOf, directionOf, languageChoices, uiLanguageFor } from '../i18n/catalogue';
import { useI18n } from '../i18n/i18n-context';
import { usePreferences } from '../display/preferences';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { GlobeIcon } from '../ui/icons';

export function LanguageList(props: {
  readonly electionLanguages: readonly string[];
  readonly onChosen?: () => void;
}) {
  const { language, setLanguage } = usePreferences();
  const { t } = useI18n();
  return (
    <ul className="language-list" aria-label={t('chrome.languageListLabel')}>
      {languageChoices(props.electionLanguages).map((tag) => {
        const current = tag.toLowerCase() === language.toLowerCase();
        return (
          <li key={tag}>
            <button
              type="button"
              className={`btn btn--language${current ? ' is-current' : ''}`}
              lang={uiLanguageFor(tag).tag === tag ? uiLanguageFor(tag).htmlLang : tag}
              dir={directionOf(tag)}
              aria-pressed={current}
              data-language={tag}
              onClick={() => {
                setLanguage(tag);
                props.onChosen?.();
              }}
            >
              <span className="btn--language__mark" aria-hidden="true">
                {current ? '✓' : ''}
              </span>
              {autonymOf(tag)}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function LanguageButton(props: { readonly electionLanguages: readonly string[] }) {
  const { t, language } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        data-testid="language-button"
      >
        <GlobeIcon />
        <span>
          {t('chrome.language')}: <span lang={language}>{autonymOf(language)}</span>
        </span>
      </Button>
      <Dialog
        open={open}
        title={t('chrome.languageDialogTitle')}
        onCancel={() => setOpen(false)}
        testId="language-dialog"
        actions={
          <Button variant="secondary" onClick={() => setOpen(false)}>
            {t('common.close')}
          </Button>
        }
      >
        <LanguageList electionLanguages={props.electionLanguages} onChosen={() => setOpen(false)} />
      </Dialog>
    </>
  );
}
