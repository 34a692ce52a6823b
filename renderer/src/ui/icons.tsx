/**
 * The few icons the chrome uses, as inline SVG elements (no icon font, no emoji: the kiosk may have
 * neither; no data URL). Decorative: the words next to them carry the meaning.
 */
export function GlobeIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <ellipse cx="12" cy="12" rx="4.5" ry="9.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M2.5 12h19M4.5 7h15M4.5 17h15" fill="none" stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

export function ContrastIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M12 2.5a9.5 9.5 0 0 1 0 19z" fill="currentColor" />
    </svg>
  );
}

export function TextSizeIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3 19 8 6l5 13M4.8 14.5h6.4" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M14 19l3.5-9 3.5 9M15.2 16h4.6" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}
