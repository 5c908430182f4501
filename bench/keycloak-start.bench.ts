/**
 * Real Keycloak as the repository runs it (scripts/lib/keycloak): how long a warm start takes
 * (built distribution in the cache folder, database copied from the template — what `npm test`
 * does once per run), the CPU it burns to get there, its resident memory once ready and after a
 * realm import, and how long importing the TechStore realm takes. Needs a JDK, Maven and the local
 * PostgreSQL; the first run on a machine also fetches and builds Keycloak (timed apart).
 *
 *   node bench/keycloak-start.bench.ts [runs=2]
 */
import { readFileSync } from 'node:fs';
import { keycloakAdmin } from '../scripts/lib/keycloak/admin.ts';
import { LOCAL_POSTGRES } from '../scripts/lib/keycloak/database.ts';
import { ensureKeycloak } from '../scripts/lib/keycloak/install.ts';
import { deleteRealm, importRealm } from '../scripts/lib/keycloak/realm-import.ts';
import { startKeycloak } from '../scripts/lib/keycloak/run.ts';
import { keycloakTestDatabase } from '../scripts/lib/keycloak/test-database.ts';
import { generateSecrets } from '@mockmart/devstack';
import { freePorts } from '../scripts/lib/free-ports.ts';
import { cpuSeconds, jvmOf, rssMiB } from './process-stats.ts';

const runs = Number(process.argv[2] ?? 2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let started = Date.now();
const install = await ensureKeycloak({ log: console.log });
if (install.built) console.log(`fetch + kc.sh build: ${seconds(Date.now() - started)}`);
console.log(
  `Keycloak on Java ${install.java.major}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);

for (let run = 1; run <= runs; run++) {
  started = Date.now();
  const database = await keycloakTestDatabase(LOCAL_POSTGRES, install, console.log);
  if (!database) throw new Error(`PostgreSQL at ${LOCAL_POSTGRES} is not reachable`);
  const copied = Date.now();
  const [httpPort, managementPort] = await freePorts(2);
  const node = await startKeycloak({
    install,
    httpPort: httpPort!,
    managementPort: managementPort!,
    databaseUrl: database.url,
    admin: database.admin,
  });
  const ready = Date.now();
  const java = jvmOf(node.child.pid!);
  const cpuAtReady = cpuSeconds(java);
  const rssAtReady = rssMiB(java);
  const admin = keycloakAdmin(node.spec.url, database.admin);
  const realms: number[] = [];
  for (const name of ['bench-a', 'bench-b']) {
    const before = Date.now();
    await importRealm(admin, {
      realm: name,
      secrets: generateSecrets(),
      gatewayPublicUrl: 'http://localhost:1',
      devUsers: true,
      frontendUrl: 'http://localhost:1/auth',
    });
    realms.push(Date.now() - before);
  }
  const rssAfterImport = rssMiB(java);
  for (const name of ['bench-a', 'bench-b']) await deleteRealm(admin, name);
  await node.stop();
  await database.drop();
  console.log(
    `run ${run}: database copy ${seconds(copied - started)}, start to ready ${seconds(ready - copied)} ` +
      `(JVM CPU ${cpuAtReady.toFixed(1)} s), RSS ready ${rssAtReady} MiB, after 2 realm imports ${rssAfterImport} MiB; ` +
      `realm import ${realms.map(seconds).join(' then ')}`,
  );
}
