import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

// In a process of its own: the collection and the young generation's size are process-wide.
const child = `
import { createServer } from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import { settleMemoryOnceQuiet } from ${JSON.stringify(new URL('./settle-memory.ts', import.meta.url).href)};
const youngMiB = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 2 ** 20;
const kept = [];
for (let i = 0; i < 300_000; i++) kept.push({ i, name: 'item ' + i }); // survives: the young generation grows, as at start-up
const before = youngMiB();
const server = createServer((_request, response) => response.end('still serving')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
settleMemoryOnceQuiet(100);
// Busy, as under traffic, for 800 ms.
const busyUntil = performance.now() + 800;
while (performance.now() < busyUntil) {
  const slice = performance.now() + 20;
  while (performance.now() < slice);
  await new Promise((resolve) => setImmediate(resolve));
}
const whileBusy = youngMiB();
await new Promise((resolve) => setTimeout(resolve, 600));
const answer = await fetch('http://127.0.0.1:' + server.address().port + '/', { signal: AbortSignal.timeout(3000) });
console.log(JSON.stringify({ before, whileBusy, after: youngMiB(), answer: await answer.text(), kept: kept.length }));
server.close();
`;

test('a process gives its start-up young generation back once quiet, not while busy, and goes on serving', () => {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', child], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  const { before, whileBusy, after, answer } = JSON.parse(output) as Record<string, number | string>;
  assert.ok(Number(before) >= 8, `the young generation grew to ${before} MiB`);
  assert.ok(Number(whileBusy) >= 8, `still ${whileBusy} MiB while the event loop was busy: no collection`);
  assert.ok(Number(after) <= 2, `and is ${after} MiB after the collection`);
  assert.equal(answer, 'still serving');
});
