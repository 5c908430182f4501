/**
 * deploy/helm cannot be installed here (no cluster, no helm), so the chart is rendered statically
 * (tests/support/helm-template.ts) and what it deploys is checked: each service starts with the
 * environment the chart gives it (its own config loader, production mode, accepts it), secrets
 * only from Secrets, the gateway as the only public entry, the NetworkPolicies of the design,
 * probes, disruption budgets, resources, a locked-down container, and Keycloak through the
 * Keycloak Operator (or an external URL).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { TObject, TSchema } from '@sinclair/typebox';
import { isSecret } from '@mockmart/service-kit/config';
import { SERVICES } from '../scripts/lib/config-reference.ts';
import { renderChart } from './support/helm-template.ts';

const CHART = fileURLToPath(new URL('../deploy/helm/mockmart', import.meta.url));
const REALM = fileURLToPath(new URL('../deploy/keycloak/techstore-realm.json', import.meta.url));
const defaults = parse(readFileSync(`${CHART}/values.yaml`, 'utf8')) as Record<string, Yaml>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML, read by path in these checks
type Yaml = any;
type Manifest = Record<string, Yaml>;
function render(values: Record<string, Yaml> = defaults): Manifest[] {
  return renderChart(CHART, values).flatMap((file) => file.documents);
}
const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const named = (manifests: Manifest[], kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  assert.ok(found, `${kind} ${name} is rendered`);
  return found;
};
const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0] as Manifest;
/** The environment a pod gets: literal values, and for Secret references a value of the right shape. */
function podEnvironment(deployment: Manifest): { env: Record<string, string>; fromSecrets: Set<string> } {
  const env: Record<string, string> = {};
  const fromSecrets = new Set<string>();
  for (const entry of containerOf(deployment).env as Array<{
    name: string;
    value?: string;
    valueFrom?: Yaml;
  }>) {
    if (entry.valueFrom) {
      assert.ok(entry.valueFrom.secretKeyRef, `${entry.name} comes from a Secret`);
      fromSecrets.add(entry.name);
      env[entry.name] =
        entry.name === 'DATABASE_URL'
          ? 'postgres://mockmart:from-secret@postgresql:5432/mockmart'
          : 's'.repeat(48);
    } else env[entry.name] = String(entry.value);
  }
  return { env, fromSecrets };
}

/** Read by the telemetry preload (the kit's register.ts and the OpenTelemetry SDK), not a service's config. */
const READ_BY_TELEMETRY = ['TRACES_DIR', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'];

describe('deploy/helm renders a deployable MockMart', () => {
  const manifests = render();

  test("each service's Deployment sets every variable its config schema requires, and the service's own loader accepts the result in production mode", async () => {
    for (const service of SERVICES) {
      const deployment = named(manifests, 'Deployment', service);
      const module = (await import(`../services/${service}/src/config.ts`)) as {
        configSchema: TObject;
        loadGatewayConfig?: (env: Record<string, string>) => Record<string, unknown>;
        loadServiceConfig?: (env: Record<string, string>) => Record<string, unknown>;
      };
      const { env } = podEnvironment(deployment);
      const required = (module.configSchema.required ?? []).filter(
        (name) => (module.configSchema.properties[name] as TSchema).default === undefined,
      );
      assert.deepEqual(
        required.filter((name) => env[name] === undefined),
        [],
        `${service} lacks required variables`,
      );
      const unknown = Object.keys(env).filter(
        (name) => !(name in module.configSchema.properties) && !READ_BY_TELEMETRY.includes(name),
      );
      assert.deepEqual(unknown, [], `${service} is given variables it does not read`);
      const load = module.loadGatewayConfig ?? module.loadServiceConfig;
      assert.ok(load, `${service} exports its config loader`);
      const config = load(env);
      assert.equal(config.NODE_ENV, 'production');
      assert.deepEqual(containerOf(deployment).args, [`services/${service}/src/server.ts`]);
    }
  });

  test('secrets reach the pods only from Secrets, never as literal values', async () => {
    for (const service of SERVICES) {
      const { configSchema } = (await import(`../services/${service}/src/config.ts`)) as {
        configSchema: TObject;
      };
      const { fromSecrets } = podEnvironment(named(manifests, 'Deployment', service));
      for (const [name, schema] of Object.entries(configSchema.properties as Record<string, TSchema>))
        if (isSecret(schema) || name === 'DATABASE_URL')
          assert.ok(fromSecrets.has(name), `${service} ${name} comes from a Secret`);
    }
  });

  test('the gateway: public URL, shop-api and Keycloak URLs as deployed, TRUST_PROXY for the ingress hop', () => {
    const { env } = podEnvironment(named(manifests, 'Deployment', 'gateway'));
    assert.equal(env.GATEWAY_PUBLIC_URL, defaults.publicUrl);
    assert.equal(env.KEYCLOAK_PUBLIC_URL, defaults.publicUrl);
    assert.equal(env.TRUST_PROXY, 'true');
    assert.equal(env.IDP_URL, 'http://keycloak-service:8080', "the operator's Service for the Keycloak CR");
    assert.equal(env.KEYCLOAK_INTERNAL_URL, env.IDP_URL);
    const shopApi = named(manifests, 'Service', 'shop-api');
    assert.equal(env.SHOP_API_URL, `http://shop-api:${shopApi.spec.ports[0].port}`);
    const shop = podEnvironment(named(manifests, 'Deployment', 'shop-api')).env;
    for (const [name, target] of [
      ['INVENTORY_URL', 'inventory'],
      ['PAYMENT_URL', 'payment'],
      ['NOTIFICATION_URL', 'notification'],
    ] as const)
      assert.equal(shop[name], `http://${target}:${named(manifests, 'Service', target).spec.ports[0].port}`);
  });

  test('the Ingress leads only to the gateway', () => {
    const ingresses = ofKind(manifests, 'Ingress');
    assert.equal(ingresses.length, 1);
    const backends = ingresses[0]!.spec.rules.flatMap((rule: Yaml) =>
      rule.http.paths.map((path: Yaml) => path.backend.service.name),
    );
    assert.deepEqual([...new Set(backends)], ['gateway']);
    assert.ok(ingresses[0]!.spec.tls?.length, 'TLS at the ingress');
  });

  test('NetworkPolicies: deny by default; inventory, payment and notification only from shop-api; PostgreSQL only from the services and Keycloak; Keycloak only from the gateway and services (and its own nodes)', () => {
    const policies = ofKind(manifests, 'NetworkPolicy');
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0);
    assert.ok(deny && deny.spec.policyTypes.includes('Ingress') && !deny.spec.ingress, 'a default deny');
    const sourcesOf = (labels: Record<string, string>) =>
      policies
        .filter((p) =>
          Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
        )
        .filter((p) => Object.keys(p.spec.podSelector).length > 0)
        .flatMap((p) => p.spec.ingress.flatMap((rule: Yaml) => rule.from));
    for (const service of ['inventory', 'payment', 'notification'])
      assert.deepEqual(sourcesOf({ 'app.kubernetes.io/name': service }), [
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-api' } } },
      ]);
    assert.deepEqual(sourcesOf({ 'app.kubernetes.io/name': 'shop-api' }), [
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } },
    ]);
    assert.deepEqual(sourcesOf({ 'app.kubernetes.io/name': 'gateway' }), [
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': defaults.ingress.controllerNamespace },
        },
      },
    ]);
    const services = { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'mockmart' } } };
    const keycloakPods = {
      podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'keycloak-operator' } },
    };
    assert.deepEqual(sourcesOf(defaults.postgres.podLabels), [services, keycloakPods]);
    const keycloak = sourcesOf({
      'app.kubernetes.io/instance': defaults.keycloak.operator.name,
      'app.kubernetes.io/managed-by': 'keycloak-operator',
    });
    assert.deepEqual(keycloak[0], services, 'the gateway (ingress path /auth) and the services');
    assert.deepEqual(keycloak.slice(1), [
      {
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/instance': defaults.keycloak.operator.name,
            'app.kubernetes.io/managed-by': 'keycloak-operator',
          },
        },
      },
    ]);
  });

  test('every service has startup, readiness and liveness probes, a disruption budget and resource requests and limits', () => {
    for (const service of SERVICES) {
      const container = containerOf(named(manifests, 'Deployment', service));
      assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
      assert.equal(container.livenessProbe.httpGet.path, '/health/live');
      assert.ok(container.startupProbe.httpGet.path);
      assert.ok(container.resources.requests.cpu && container.resources.requests.memory, service);
      assert.ok(container.resources.limits.memory, service);
      const budget = named(manifests, 'PodDisruptionBudget', service);
      assert.deepEqual(budget.spec.selector.matchLabels, { 'app.kubernetes.io/name': service });
      assert.ok(budget.spec.maxUnavailable === 1 || budget.spec.minAvailable >= 1);
    }
  });

  test('containers run as non-root, with a read-only root filesystem and no privilege escalation', () => {
    for (const service of SERVICES) {
      const pod = named(manifests, 'Deployment', service).spec.template.spec;
      const container = containerOf(named(manifests, 'Deployment', service));
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(pod.securityContext.runAsUser > 0);
      assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
      const mounts = container.volumeMounts.map((mount: Yaml) => mount.mountPath);
      const { env } = podEnvironment(named(manifests, 'Deployment', service));
      assert.ok(
        mounts.some((mount: string) => env.TRACES_DIR?.startsWith(`${mount}/`)),
        'TRACES_DIR is on a writable volume',
      );
    }
  });

  test('Keycloak through the Keycloak Operator: a clustered Keycloak on PostgreSQL and the realm of deploy/keycloak with every placeholder filled', () => {
    const keycloak = named(manifests, 'Keycloak', defaults.keycloak.operator.name);
    assert.equal(keycloak.apiVersion, 'k8s.keycloak.org/v2alpha1');
    assert.ok(keycloak.spec.instances >= 2, 'two nodes or more');
    assert.equal(keycloak.spec.db.vendor, 'postgres');
    assert.equal(keycloak.spec.hostname.hostname, `${defaults.publicUrl}/auth`);
    assert.deepEqual(
      keycloak.spec.additionalOptions.find((o: Yaml) => o.name === 'http-relative-path'),
      { name: 'http-relative-path', value: '/auth' },
    );
    assert.equal(keycloak.spec.ingress.enabled, false, 'reached only through the gateway');
    const realmImport = named(manifests, 'KeycloakRealmImport', 'techstore');
    assert.equal(realmImport.spec.keycloakCRName, keycloak.metadata.name);
    const realmText = readFileSync(REALM, 'utf8');
    assert.deepEqual(realmImport.spec.realm, JSON.parse(realmText));
    const placeholders = new Set([...realmText.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]));
    assert.deepEqual(Object.keys(realmImport.spec.placeholders).sort(), [...placeholders].sort());
  });

  test('with an external Keycloak the chart creates no Keycloak resources and points every service at its URL', () => {
    const external = render({
      ...defaults,
      keycloak: { ...defaults.keycloak, mode: 'external', internalUrl: 'https://keycloak.internal.example' },
    });
    assert.equal(ofKind(external, 'Keycloak').length, 0);
    assert.equal(ofKind(external, 'KeycloakRealmImport').length, 0);
    for (const service of SERVICES) {
      const { env } = podEnvironment(named(external, 'Deployment', service));
      assert.equal(env.KEYCLOAK_INTERNAL_URL, 'https://keycloak.internal.example');
    }
    assert.equal(
      podEnvironment(named(external, 'Deployment', 'gateway')).env.IDP_URL,
      'https://keycloak.internal.example',
    );
  });
});
