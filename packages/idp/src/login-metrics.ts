import { metrics, type Counter } from '@opentelemetry/api';

let logins: Counter | undefined;

/**
 * `idp.logins`: login-form submissions by outcome and reason (invalid_credentials, disabled,
 * required_actions, timed_out). A burst of invalid_credentials across many users is password
 * spraying; the brute-force lockout answers the same page, so only this counter tells them apart.
 */
export function countLogin(outcome: 'success' | 'failure', reason: string): void {
  logins ??= metrics.getMeter('idp').createCounter('idp.logins', {
    description: 'login form submissions by outcome and reason',
  });
  logins.add(1, { outcome, reason });
}
