/**
 * `npm run health`: each part's readiness, like the original's `make health`. Honours
 * MOCKMART_PORT_OFFSET and MOCKMART_DATA_DIR as `npm start` does, so it checks the copy started
 * with the same settings — with Keycloak in the idp's place when it runs `--keycloak`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, planLocalParts } from '@mockmart/devstack';
import { keycloakStateFile } from './lib/keycloak/for-start.ts';
import { KEYCLOAK_RELATIVE_PATH } from './lib/keycloak/options.ts';

const dataRoot = process.env.MOCKMART_DATA_DIR ?? join(REPO_ROOT, '.data');
const parts = planLocalParts(process.env, dataRoot).map((part) => ({
  name: part.name,
  readyUrl: part.readyUrl,
}));
const keycloak = keycloakStateFile(dataRoot);
if (existsSync(keycloak)) {
  // npm start -- --keycloak is running: its management port is chosen at start and noted here.
  const { managementPort } = JSON.parse(readFileSync(keycloak, 'utf8')) as { managementPort: number };
  parts[0] = {
    name: 'keycloak',
    readyUrl: `http://127.0.0.1:${managementPort}${KEYCLOAK_RELATIVE_PATH}/health/ready`,
  };
}
let failing = 0;
for (const part of parts) {
  let status: string;
  try {
    const response = await fetch(part.readyUrl, { signal: AbortSignal.timeout(2000) });
    status = response.ok ? '\x1b[32mready\x1b[0m' : `\x1b[31mnot ready (${response.status})\x1b[0m`;
    if (!response.ok) failing++;
    await response.body?.cancel();
  } catch {
    status = '\x1b[31mdown\x1b[0m';
    failing++;
  }
  console.log(`${part.name.padEnd(14)} ${status.padEnd(24)} ${part.readyUrl}`);
}
process.exit(failing === 0 ? 0 : 1);
