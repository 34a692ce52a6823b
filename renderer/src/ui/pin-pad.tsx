/**
 * PIN entry for cards and the HSM: an on-screen keypad for touch, and a real password field so a
 * keyboard, an accessible keypad or a switch can type too. The digits are never shown or spoken: only
 * how many have been entered. The keypad keeps the telephone layout in right-to-left languages.
 * The PIN stays in this component's state and goes only to the backend (never logged or stored).
 */
import { useId, useRef, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { Button } from './button';

export const PIN_MIN = 4;
export const PIN_MAX = 16;

export interface PinPadProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit: (pin: string) => void;
  readonly label: string;
  readonly busy?: boolean;
  readonly submitLabel?: string;
  readonly describedBy?: string;
  readonly testId?: string | undefined;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export function PinPad(props: PinPadProps) {
  const { t, tn } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { value, onChange } = props;
  const tooShort = value.length < PIN_MIN;
  const append = (digit: string) => {
    if (value.length < PIN_MAX) onChange(value + digit);
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (tooShort || props.busy) return;
    props.onSubmit(value);
  };
  return (
    <form className="pin-pad" onSubmit={submit} data-testid={props.testId}>
      <label htmlFor={`${id}-input`} className="field__label">
        {props.label}
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        className="pin-pad__input"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        pattern="[0-9]*"
        maxLength={PIN_MAX}
        dir="ltr"
        value={value}
        aria-describedby={[`${id}-count`, props.describedBy ?? ''].filter(Boolean).join(' ')}
        onChange={(e) => onChange(e.target.value.replace(/[^0-9]/g, '').slice(0, PIN_MAX))}
      />
      <p id={`${id}-count`} className="pin-pad__count" aria-live="polite">
        {tn('pin.entered', value.length)}
      </p>
      <div className="pin-pad__keys" dir="ltr" role="group" aria-label={t('pin.keypad')}>
        {KEYS.map((digit) => (
          <button key={digit} type="button" className="btn btn--key" onClick={() => append(digit)}>
            {digit}
          </button>
        ))}
        <button
          type="button"
          className="btn btn--key btn--key-action"
          onClick={() => {
            onChange('');
            input.current?.focus();
          }}
        >
          {t('pin.clear')}
        </button>
        <button type="button" className="btn btn--key" onClick={() => append('0')}>
          0
        </button>
        <button
          type="button"
          className="btn btn--key btn--key-action"
          aria-label={t('pin.delete')}
          onClick={() => onChange(value.slice(0, -1))}
        >
          <span aria-hidden="true">⌫</span>
        </button>
      </div>
      <Button
        type="submit"
        variant="primary"
        size="large"
        busy={props.busy ?? false}
        unavailable={tooShort}
        className="pin-pad__submit"
        aria-describedby={tooShort ? `${id}-short` : undefined}
      >
        {props.submitLabel ?? t('pin.submit')}
      </Button>
      {tooShort && (
        <p id={`${id}-short`} className="field__help">
          {t('pin.wrongLength')}
        </p>
      )}
    </form>
  );
}
