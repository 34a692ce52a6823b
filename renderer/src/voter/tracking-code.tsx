/**
 * The tracking code (DESIGN §5: XXXX-XXXX-XXXX-XXXX, base32) in four large monospaced groups, always
 * left to right, and spelled out for screen readers group by group ("A B C D, ...") so a voter can
 * write it down from speech.
 */
export function spellTrackingCode(code: string): string {
  return code
    .split('-')
    .map((group) => group.split('').join(' '))
    .join(', ');
}

export function TrackingCode(props: { readonly code: string; readonly labelId: string }) {
  return (
    <p
      className="tracking-code"
      dir="ltr"
      lang="en"
      aria-describedby={props.labelId}
      data-testid="tracking-code"
      data-code={props.code}
    >
      <span className="visually-hidden">{spellTrackingCode(props.code)}</span>
      <span aria-hidden="true" className="tracking-code__groups">
        {props.code.split('-').map((group, i) => (
          <span key={i} className="tracking-code__group">
            {group}
          </span>
        ))}
      </span>
    </p>
  );
}
