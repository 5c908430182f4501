import { metrics, type Counter } from '@opentelemetry/api';

/**
 * Token-request counters per realm, client, grant and requested scope, so tests can assert
 * single-flight from outside (one client-credentials request per scope per token lifetime).
 * The same requests are counted as the metric `idp.token.requests` (client, grant, outcome).
 */
export interface TokenRequestCount {
  realm: string;
  clientId: string;
  grantType: string;
  /** The `scope` parameter as sent, its values sorted; '' when none was sent. */
  scope: string;
  requests: number;
  succeeded: number;
}

export class TokenStats {
  readonly #counts = new Map<string, TokenRequestCount>();
  #startedAt = new Date().toISOString();
  #metric: Counter | undefined;

  record(realm: string, clientId: string, grantType: string, ok: boolean, requestedScope = ''): void {
    const scope = requestedScope.split(' ').filter(Boolean).sort().join(' ');
    const key = `${realm}\u0000${clientId}\u0000${grantType}\u0000${scope}`;
    let entry = this.#counts.get(key);
    if (!entry) {
      entry = { realm, clientId, grantType, scope, requests: 0, succeeded: 0 };
      this.#counts.set(key, entry);
    }
    entry.requests += 1;
    if (ok) entry.succeeded += 1;
    this.#metric ??= metrics.getMeter('idp').createCounter('idp.token.requests', {
      description: 'token-endpoint requests by client, grant and outcome (issued, refused)',
    });
    this.#metric.add(1, { client_id: clientId, grant_type: grantType, outcome: ok ? 'issued' : 'refused' });
  }

  snapshot(): { since: string; tokenRequests: TokenRequestCount[] } {
    return { since: this.#startedAt, tokenRequests: [...this.#counts.values()].map((e) => ({ ...e })) };
  }

  reset(): void {
    this.#counts.clear();
    this.#startedAt = new Date().toISOString();
  }
}
