import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { freePorts } from '../scripts/lib/free-ports.ts';

const run = promisify(execFile);

test('ports are drawn below the ephemeral range, distinct within a call', async () => {
  const ports = await freePorts(50);
  assert.equal(new Set(ports).size, 50);
  for (const port of ports) assert.ok(port >= 20_000 && port < 32_000, `${port} is below 32768`);
});

test('two processes drawing at once are never handed the same port', async () => {
  const draw = `import('./scripts/lib/free-ports.ts').then(async (m) => console.log(JSON.stringify(await m.freePorts(300))))`;
  const [first, second] = await Promise.all(
    [0, 1].map(async () => JSON.parse((await run(process.execPath, ['-e', draw])).stdout) as number[]),
  );
  const shared = first!.filter((port) => second!.includes(port));
  assert.deepEqual(shared, []);
});
