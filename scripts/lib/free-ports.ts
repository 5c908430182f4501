import { createServer } from 'node:net';

// Below the kernels' ephemeral ranges (Linux 32768–60999, macOS/Windows 49152–65535): a port the
// kernel hands to an outgoing connection can never be one of these, so a port found free here stays
// free until its user binds it unless another caller of this function draws the same one.
const LOWEST = 20_000;
const HIGHEST = 32_000;

/** Ports free on loopback now, drawn at random below the ephemeral range, released before their user binds them. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST));
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
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
 * second copy of the system, MOCKMART_PORT_OFFSET).
 */
export async function freeOffset(ports: readonly number[]): Promise<number> {
  const span = HIGHEST - LOWEST - Math.max(...ports);
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = LOWEST + Math.floor(Math.random() * span);
    const free = await Promise.all(ports.map((port) => isFree(port + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no free port range found');
}
