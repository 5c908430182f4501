/**
 * deploy/compose's Grafana (the LGTM image) gets MockMart's dashboards and a Tempo data source.
 * No Docker here, so this checks them statically: the compose file mounts them where Grafana
 * provisions from, every metric the services emit has a panel and every panel queries a metric
 * the code emits, every panel's data source is provisioned, and the Tempo searches use span
 * attributes the code sets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('deploy/compose/docker-compose.yml', root), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, { volumes?: string[]; environment?: Record<string, string> }>;
};
const grafana = new URL('deploy/compose/grafana/', root);

interface Target {
  expr?: string;
  query?: string;
  datasource: { uid: string; type: string };
}
interface Panel {
  title: string;
  datasource: { uid: string; type: string };
  targets: Target[];
}
const dashboards = readdirSync(new URL('dashboards/', grafana)).map(
  (name) =>
    JSON.parse(readFileSync(new URL(`dashboards/${name}`, grafana), 'utf8')) as {
      uid: string;
      panels: Panel[];
    },
);
const targets = dashboards.flatMap((d) =>
  d.panels.flatMap((panel) => panel.targets.map((t) => ({ panel, t }))),
);
const exprs = targets.map(({ t }) => t.expr ?? '').join('\n');

/** Every metric the code creates (OpenTelemetry names), and where. */
const EMITTED = [
  'http.server.request.duration',
  'auth.token.verifications',
  'auth.jwks.fetches',
  'auth.service_token.requests',
  'auth.service_token.cache',
  'idp.token.requests',
  'idp.logins',
  'gateway.logins',
  'shop.checkout.outcomes',
  'shop.outbox.backlog',
  'shop.outbox.oldest_age',
  'shop.outbox.dead',
  'notification.mails',
  'notification.mails.oldest_pending_age',
];
const sources = execFileSync(
  'git',
  [
    'grep',
    '-h',
    '-o',
    "'[a-z_]*\\.[a-z_.]*'",
    '--',
    'packages/*/src/*.ts',
    'services/*/src/*.ts',
    'packages/*/src/**/*.ts',
    'services/*/src/**/*.ts',
  ],
  {
    cwd: root,
    encoding: 'utf8',
  },
);

test('compose mounts the provisioning files where the LGTM image reads them, and the files exist', () => {
  const volumes = compose.services['otel-lgtm']?.volumes ?? [];
  for (const [file, target] of [
    ['./grafana/datasources.yaml', '/otel-lgtm/grafana/conf/provisioning/datasources/'],
    ['./grafana/dashboards.yaml', '/otel-lgtm/grafana/conf/provisioning/dashboards/'],
    ['./grafana/dashboards', '/otel-lgtm/mockmart-dashboards'],
  ] as const) {
    assert.ok(
      volumes.some((v) => v.startsWith(`${file}:${target}`) && v.endsWith(':ro')),
      `${file} → ${target}`,
    );
    assert.ok(existsSync(new URL(file.replace('./grafana/', ''), grafana)), `${file} is committed`);
  }
  const provider = parse(readFileSync(new URL('dashboards.yaml', grafana), 'utf8')) as {
    providers: Array<{ options: { path: string } }>;
  };
  assert.equal(provider.providers[0]?.options.path, '/otel-lgtm/mockmart-dashboards');
  // The services push metrics and traces there (OTLP), and expose no scrape port in production.
  for (const service of ['gateway', 'shop-api', 'inventory', 'payment', 'notification']) {
    assert.equal(
      compose.services[service]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT,
      'http://otel-lgtm:4318',
    );
    assert.equal(compose.services[service]?.environment?.METRICS_PORT, undefined);
  }
});

test('every metric the code emits has a panel, and every panel queries metrics the code emits', () => {
  for (const name of EMITTED) {
    assert.ok(sources.includes(`'${name}'`), `${name} is not created anywhere in the code`);
    assert.ok(exprs.includes(name.replaceAll('.', '_')), `no panel shows ${name}`);
  }
  const prometheusNames = EMITTED.map((name) => name.replaceAll('.', '_'));
  for (const { panel, t } of targets) {
    if (!t.expr) continue;
    const used = [...t.expr.matchAll(/\b((?:http_server|auth|idp|gateway|shop|notification)_[a-z_]+)/g)].map(
      (m) => m[1]!,
    );
    assert.ok(used.length > 0, `${panel.title}: no MockMart metric in ${t.expr}`);
    for (const metric of used)
      assert.ok(
        prometheusNames.some((name) => metric.startsWith(name)),
        `${panel.title} queries ${metric}, which nothing emits`,
      );
  }
  for (const reason of ['reason', 'outcome', 'scope', 'client_id', 'grant_type', 'result', 'status'])
    assert.ok(
      exprs.includes(`by (${reason}`) || exprs.includes(`, ${reason}`),
      `nothing is broken down by ${reason}`,
    );
});

test('panels use provisioned data sources, and the Tempo searches use span attributes the code sets', () => {
  const provisioned = parse(readFileSync(new URL('datasources.yaml', grafana), 'utf8')) as {
    datasources: Array<{ uid: string; type: string; url: string }>;
  };
  const tempo = provisioned.datasources.find((source) => source.type === 'tempo');
  assert.equal(tempo?.uid, 'mockmart-tempo');
  // The LGTM image provisions its own Prometheus as uid "prometheus".
  const known = new Set(['prometheus', ...provisioned.datasources.map((source) => source.uid)]);
  for (const { panel, t } of targets) {
    assert.ok(
      known.has(panel.datasource.uid) && known.has(t.datasource.uid),
      `${panel.title}: unknown data source`,
    );
    if (t.datasource.type === 'tempo') {
      assert.ok(t.query, `${panel.title}: a Tempo panel needs a TraceQL query`);
      for (const [, attribute] of t.query.matchAll(/span\.([a-z_.]+)/g))
        assert.ok(
          sources.includes(`'${attribute}'`) || Boolean(attribute?.startsWith('http.')),
          `${panel.title}: span attribute ${attribute} is never set`,
        );
    }
  }
  const auth = dashboards.find((d) => d.uid === 'mockmart-auth');
  assert.ok(
    auth?.panels.some(
      (p) => p.datasource.uid === 'mockmart-tempo' && /auth\.outcome/.test(p.targets[0]?.query ?? ''),
    ),
  );
  assert.ok(auth?.panels.some((p) => p.title === 'Refused tokens by reason'));
  const red = dashboards.find((d) => d.uid === 'mockmart-red');
  assert.ok(
    red?.panels.some((p) => /5\.\./.test(p.targets[0]?.expr ?? '')),
    'RED shows errors',
  );
  assert.ok(
    red?.panels.some((p) => /histogram_quantile/.test(p.targets[0]?.expr ?? '')),
    'RED shows duration',
  );
});
