/**
 * Who may call what (main/rpc/api.ts METHOD_ACCESS), decided from the staff session, whether a voter
 * session runs and the kiosk mode: a pure function, tested by a table. An official may do what a poll
 * worker or a technician may do; a poll worker and a technician may not do each other's work.
 */
import type { MethodAccess, RpcError } from '../rpc/api';
import type { StaffRole, StaffSessionState } from './staff-session';

export interface AccessContext {
  readonly staff: StaffSessionState;
  readonly voterSessionActive: boolean;
  readonly demo: boolean;
}

const ROLES_FOR: Readonly<Record<'poll-worker' | 'official' | 'technician', readonly StaffRole[]>> = {
  'poll-worker': ['poll-worker', 'official'],
  technician: ['technician', 'official'],
  official: ['official'],
};

const NEEDS: Readonly<Record<'poll-worker' | 'official' | 'technician', string>> = {
  'poll-worker': "a poll worker's or an election official's card",
  technician: "a technician's or an election official's card",
  official: "an election official's card",
};

export type AccessDecision = { readonly ok: true } | { readonly ok: false; readonly error: RpcError };

const ALLOWED: AccessDecision = { ok: true };

export function checkAccess(access: MethodAccess, ctx: AccessContext): AccessDecision {
  switch (access) {
    case 'anyone':
      return ALLOWED;
    case 'demo':
      return ctx.demo
        ? ALLOWED
        : { ok: false, error: { code: 'not-demo', message: 'The dev dock exists only in demo mode.' } };
    case 'voter':
      return ctx.voterSessionActive
        ? ALLOWED
        : {
            ok: false,
            error: {
              code: 'wrong-state',
              message: 'No voter session is running. Insert a voter card or scan an identity document.',
            },
          };
    case 'poll-worker':
    case 'official':
    case 'technician': {
      const staff = ctx.staff;
      if (staff.status === 'logged-in' && ROLES_FOR[access].includes(staff.role)) return ALLOWED;
      const who =
        staff.status === 'logged-in'
          ? `The card signed in is a ${staff.role} card; this needs ${NEEDS[access]}.`
          : `Nobody is signed in: this needs ${NEEDS[access]}. Insert it and enter its PIN.`;
      return { ok: false, error: { code: 'not-permitted', message: who } };
    }
  }
}
