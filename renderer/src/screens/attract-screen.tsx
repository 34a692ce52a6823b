/**
 * The welcome screen between voters: how to start (card or document), in the voter's language, with
 * every language laid out to pick from at once.
 */
import type { HumanString } from '../../../main/rpc/api';
import { LanguageList } from '../chrome/language-picker';
import { useI18n } from '../i18n/i18n-context';
import { HumanText } from '../ui/human-text';
import { Screen } from '../ui/screen';

export function AttractScreen(props: {
  readonly title: HumanString | null;
  readonly electionLanguages: readonly string[];
}) {
  const { t } = useI18n();
  return (
    <Screen title={t('attract.title')} testId="attract" className="screen--attract">
      {props.title && <HumanText value={props.title} as="p" className="attract__election" />}
      <ol className="attract__ways">
        <li className="attract__way">
          <span className="attract__icon" aria-hidden="true">
            ▭
          </span>
          <span>{t('attract.card')}</span>
        </li>
        <li className="attract__way">
          <span className="attract__icon" aria-hidden="true">
            ▤
          </span>
          <span>{t('attract.document')}</span>
        </li>
      </ol>
      <section className="attract__languages" aria-labelledby="attract-languages">
        <h2 id="attract-languages">{t('attract.chooseLanguage')}</h2>
        <LanguageList electionLanguages={props.electionLanguages} />
      </section>
      <p className="attract__help">{t('attract.help')}</p>
    </Screen>
  );
}
