/**
 * True while the ISO time `until` is still ahead, and a re-render when it passes: a kiosk PIN
 * lock-out ends by the clock, not by a message from the backend (its state keeps `lockedUntil`; the
 * card-auth machine accepts a PIN again once that time is past), so the screen watches the time itself.
 */
import { useEffect, useState } from 'react';

/** setTimeout's largest delay (2^31 − 1 ms); a longer wait re-arms. */
const MAX_DELAY = 2 ** 31 - 1;

export function useBefore(until: string | null): boolean {
  const end = until === null ? Number.NaN : Date.parse(until);
  const [checks, setChecks] = useState(0);
  const ahead = end > Date.now();
  useEffect(() => {
    if (!ahead) return;
    // A little after the end, so that the re-render sees it passed.
    const id = setTimeout(() => setChecks((n) => n + 1), Math.min(end - Date.now() + 20, MAX_DELAY));
    return () => clearTimeout(id);
  }, [end, ahead, checks]);
  return ahead;
}
