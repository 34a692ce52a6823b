/**
 * The bar on every screen: where you are (election title), and the voter's own settings, always in
 * reach (WCAG 3.2.3 consistent navigation): language, high contrast, text size.
 */
import type { ReactNode } from 'react';
import type { HumanString } from '../../../main/rpc/api';
import { usePreferences, type TextSize } from '../display/preferences';
import { useI18n } from '../i18n/i18n-context';
import { HumanText } from '../ui/human-text';
import { ContrastIcon, TextSizeIcon } from '../ui/icons';
import { LanguageButton } from './language-picker';

const NEXT_SIZE: Record<TextSize, TextSize> = { 0: 1, 1: 2, 2: 0 };

export function TopBar(props: {
  readonly title: HumanString | null;
  readonly electionLanguages: readonly string[];
  /** The demo dock's switch, in demo mode only. */
  readonly demoToggle?: ReactNode;
}) {
  const { t } = useI18n();
  const prefs = usePreferences();
  return (
    <header className="top-bar">
      <div className="top-bar__title">
        {props.demoToggle}
        <span className="top-bar__app">{t('app.name')}</span>
        {props.title && <HumanText value={props.title} className="top-bar__election" />}
      </div>
      <nav className="top-bar__tools" aria-label={t('chrome.settings')}>
        <LanguageButton electionLanguages={props.electionLanguages} />
        <button
          type="button"
          className="btn btn--ghost"
          aria-pressed={prefs.contrast === 'high'}
          data-testid="contrast-toggle"
          onClick={() => prefs.setContrast(prefs.contrast === 'high' ? 'standard' : 'high')}
        >
          <ContrastIcon />
          {t('chrome.contrast')}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          aria-pressed={prefs.textSize > 0}
          aria-label={t('chrome.textSizeLabel', { level: prefs.textSize + 1, levels: 3 })}
          data-testid="text-size-toggle"
          onClick={() => prefs.setTextSize(NEXT_SIZE[prefs.textSize])}
        >
          <TextSizeIcon />
          {t('chrome.textSize')}
          <span className="top-bar__level" aria-hidden="true">
            {prefs.textSize + 1}/3
          </span>
        </button>
      </nav>
    </header>
  );
}
