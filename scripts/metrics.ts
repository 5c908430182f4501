/**
 * `npm run metrics [-- --target <part>=<scrape URL> …]`: a compact summary of the running system
 * from each part's Prometheus endpoint (`npm start` gives every part one, on its port + 1000;
 * MOCKMART_PORT_OFFSET shifts them as it shifts the parts): requests, errors and latency per part,
 * token verifications by outcome and reason, JWKS fetches, service tokens, the idp's token
 * requests and logins, sign-ins, checkout outcomes, the outbox and the mails.
 */
import { parseArgs } from 'node:util';
import { planLocalParts } from '@mockmart/devstack';
import { parsePrometheusText, quantile, sumBy, type Sample } from './lib/prometheus-text.ts';

const { values } = parseArgs({
  options: { target: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log('usage: npm run metrics -- [--target <part>=<http://host:port/metrics> …]');
  process.exit(0);
}

function targets(): Array<[string, string]> {
  if (values.target?.length)
    return values.target.map((target) => {
      const at = target.indexOf('=');
      if (at < 1) {
        console.error(`--target must be <part>=<url>, got ${JSON.stringify(target)}`);
        process.exit(2);
      }
      return [target.slice(0, at), target.slice(at + 1)];
    });
  return planLocalParts(process.env, '.data').map((part) => [part.name, part.metricsUrl!]);
}

const scraped = await Promise.all(
  targets().map(async ([part, url]) => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) return { part, url, error: `HTTP ${response.status}`, samples: [] as Sample[] };
      return { part, url, samples: parsePrometheusText(await response.text()) };
    } catch (error) {
      return {
        part,
        url,
        error: (error as Error).cause ? 'down' : (error as Error).message,
        samples: [] as Sample[],
      };
    }
  }),
);
const all = scraped.flatMap((entry) => entry.samples);
const line = (label: string, groups: Map<string, number>) => {
  const entries = [...groups].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (entries.length > 0)
    console.log(`  ${label.padEnd(26)} ${entries.map(([key, n]) => `${key || '-'} ${round(n)}`).join(', ')}`);
};
const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const ms = (seconds: number | undefined) =>
  seconds === undefined ? '-' : `${Math.round(seconds * 1000)} ms`;

console.log('Requests (RED, since each part started)');
for (const { part, url, error, samples } of scraped) {
  if (error) {
    console.log(`  ${part.padEnd(13)} no metrics (${error}) at ${url}`);
    continue;
  }
  const byStatus = sumBy(samples, 'http_server_request_duration_count', ['http_response_status_code']);
  const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
  const errors = [...byStatus].filter(([status]) => Number(status) >= 500).reduce((a, [, n]) => a + n, 0);
  const refused = [...byStatus].filter(([status]) => /^4/.test(status)).reduce((a, [, n]) => a + n, 0);
  const buckets = new Map(
    [...sumBy(samples, 'http_server_request_duration_bucket', ['le'])].map(([le, n]) => [Number(le), n]),
  );
  console.log(
    `  ${part.padEnd(13)} ${String(total).padStart(6)} requests  ${String(errors).padStart(4)} 5xx  ` +
      `${String(refused).padStart(4)} 4xx  p50 ${ms(quantile(0.5, buckets))}  p95 ${ms(quantile(0.95, buckets))}  ` +
      `p99 ${ms(quantile(0.99, buckets))}`,
  );
}

console.log('\nAuth');
line('tokens accepted/refused', sumBy(all, 'auth_token_verifications_total', ['outcome', 'reason']));
line('JWKS fetches', sumBy(all, 'auth_jwks_fetches_total', ['outcome']));
line('service tokens requested', sumBy(all, 'auth_service_token_requests_total', ['scope', 'outcome']));
line('service-token cache', sumBy(all, 'auth_service_token_cache_total', ['scope', 'result']));
line('idp token requests', sumBy(all, 'idp_token_requests_total', ['client_id', 'grant_type', 'outcome']));
line('idp login form', sumBy(all, 'idp_logins_total', ['outcome', 'reason']));
line('gateway sign-ins', sumBy(all, 'gateway_logins_total', ['outcome', 'reason']));

console.log('\nShop');
line('checkouts', sumBy(all, 'shop_checkout_outcomes_total', ['result']));
line('outbox backlog', sumBy(all, 'shop_outbox_backlog', []));
line('outbox dead', sumBy(all, 'shop_outbox_dead', []));
line('outbox oldest (s)', sumBy(all, 'shop_outbox_oldest_age', []));
line('mails', sumBy(all, 'notification_mails', ['status']));
console.log(
  `\n${scraped.filter((entry) => !entry.error).length}/${scraped.length} parts answered. ` +
    'Traces: npm run traces -- --errors   Raw: curl <part scrape URL>',
);
process.exit(scraped.some((entry) => !entry.error) ? 0 : 1);
