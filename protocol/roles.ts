/**
 * Card roles (DESIGN §4 `trust`): a card's role is its certificate subject's OU. Voter cards chain to
 * `trust.voters`; the other roles chain to `trust.officials`.
 */
export const CARD_ROLES = ['voter', 'poll-worker', 'official', 'technician'] as const;
export type CardRole = (typeof CARD_ROLES)[number];

export function isCardRole(value: string): value is CardRole {
  return (CARD_ROLES as readonly string[]).includes(value);
}
