import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Below the kernels' ephemeral ranges (Linux 32768–60999, macOS/Windows 49152–65535): a port the
// kernel hands to an outgoing connection can never be one of these.
const LOWEST = 20_000;
const HIGHEST = 32_000;
// Test files run in parallel processes, each starting systems whose parts bind their ports seconds
// after they were found free. A port handed out is claimed for this long across processes (a file
// per port), so no other process is handed it while its user is still starting.
const CLAIM_MS = 120_000;
const CLAIMS = join(tmpdir(), 'mockmart-port-claims');

/** Ports free on loopback now, drawn at random below the ephemeral range, claimed for two minutes across processes. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST));
    if (!ports.includes(port) && claim(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}

/** True when no process claimed the port within CLAIM_MS; the claim is then ours. */
function claim(port: number): boolean {
  mkdirSync(CLAIMS, { recursive: true });
  const file = join(CLAIMS, String(port));
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < CLAIM_MS) return false;
      const now = new Date();
      utimesSync(file, now, now);
      return true;
    } catch {
      return false;
    }
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * An offset that moves every one of `ports` onto a free port below the ephemeral range (for a whole
 * second copy of the system, MOCKMART_PORT_OFFSET), claimed like freePorts' ports.
 */
export async function freeOffset(ports: readonly number[]): Promise<number> {
  const span = HIGHEST - LOWEST - Math.max(...ports);
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = LOWEST + Math.floor(Math.random() * span);
    if (!ports.every((port) => claim(port + offset))) continue;
    const free = await Promise.all(ports.map((port) => isFree(port + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no free port range found');
}
