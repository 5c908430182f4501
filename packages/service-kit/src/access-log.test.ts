import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createApp } from './app.ts';
import { routineRequest } from './access-log.ts';
import { createLogger } from './logger.ts';

async function appLoggingAt(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const app = await createApp({
    name: 'access-log',
    logger: createLogger({ name: 'access-log', level, destination }),
  });
  app.get('/routine', async (request) => {
    routineRequest(request);
    return { ok: true };
  });
  app.get('/routine-refused', async (request, reply) => {
    routineRequest(request);
    return reply.code(404).send({ title: 'gone' });
  });
  app.get('/plain', async () => ({ ok: true }));
  const accessLines = () => lines.filter((line) => line.msg === 'request completed');
  return { app, accessLines };
}

const LEVEL = { debug: 20, info: 30 };

test('one access line per request; a routine success is written at debug, a routine refusal at info', async () => {
  const { app, accessLines } = await appLoggingAt('debug');
  for (const url of ['/plain', '/routine', '/routine-refused?token=x']) await app.inject({ url });
  await app.close();
  assert.deepEqual(
    accessLines().map(({ path, statusCode, level }) => ({ path, statusCode, level })),
    [
      { path: '/plain', statusCode: 200, level: LEVEL.info },
      { path: '/routine', statusCode: 200, level: LEVEL.debug },
      { path: '/routine-refused', statusCode: 404, level: LEVEL.info },
    ],
  );
});

test('at info, routine successes leave no line and everything else still does', async () => {
  const { app, accessLines } = await appLoggingAt('info');
  for (const url of ['/routine', '/plain', '/routine-refused']) await app.inject({ url });
  await app.close();
  assert.deepEqual(
    accessLines().map(({ path }) => path),
    ['/plain', '/routine-refused'],
  );
});
