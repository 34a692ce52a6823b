/**
 * Text from the election package, marked with the language it is really in (WCAG 3.1.2), so that a
 * fallback (an English question on an Arabic screen) is read with the right voice. The text sits in a
 * <bdi> with its own direction: isolated from the page's direction (its punctuation stays at its own
 * end) while the block around it keeps the page's alignment.
 */
import type { ElementType } from 'react';
import type { HumanString } from '../../../main/rpc/api';
import { baseLanguage, directionOf } from '../i18n/catalogue';
import { useI18n } from '../i18n/i18n-context';

export function HumanText(props: {
  readonly value: HumanString;
  readonly as?: ElementType;
  readonly className?: string;
}) {
  const { pick, ui } = useI18n();
  const picked = pick(props.value);
  const Tag = props.as ?? 'span';
  const differs = baseLanguage(picked.lang) !== baseLanguage(ui.tag);
  return (
    <Tag className={props.className}>
      {differs ? (
        <bdi lang={picked.lang} dir={directionOf(picked.lang)}>
          {picked.text}
        </bdi>
      ) : (
        picked.text
      )}
    </Tag>
  );
}
