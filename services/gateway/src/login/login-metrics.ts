import { counter } from '@mockmart/service-kit/telemetry';

/**
 * `gateway.logins`: sign-ins finished at /bff/callback, by outcome and reason (the error code of
 * a refused callback: GW_LOGIN_STATE_INVALID for a replayed or stale state, GW_LOGIN_FAILED for
 * an idp error or a code that did not verify). Works the same with the idp or Keycloak.
 */
const countLogin = counter(
  'gateway',
  'gateway.logins',
  'sign-ins completed at /bff/callback by outcome and reason',
);

export function countLoginSuccess(): void {
  countLogin({ outcome: 'success', reason: 'none' });
}

export function countLoginFailure(error: unknown): void {
  countLogin({ outcome: 'failure', reason: (error as { code?: string }).code ?? 'error' });
}
