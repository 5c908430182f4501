/**
 * `npm run health`: each part's readiness, like the original's `make health`. Honours
 * MOCKMART_PORT_OFFSET as `npm start` does, so it checks the copy started with the same offset.
 */
import { DATABASE_SERVICES, generateSecrets, localPorts, planParts } from './lib/parts.ts';

const { ports } = localPorts(process.env);
// Only the URLs are used: the throwaway secrets never leave this process.
const databaseUrls = Object.fromEntries(DATABASE_SERVICES.map((service) => [service, ''])) as Record<
  (typeof DATABASE_SERVICES)[number],
  string
>;
const parts = planParts({ ports, secrets: generateSecrets(), dataRoot: '.data', databaseUrls });
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
