import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { captureLogs } from './testing/index.ts';
import { spawnFixture } from './testing/fixtures/spawn-fixture.ts';

const EMAIL = 'mario.rossi+shop@example.com';
const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJtYXJpbyIsImF1ZCI6InNob3AtYXBpIn0.c2lnbmF0dXJlLWJ5dGVz';
const OPAQUE = 'opaque-access-token-0123456789';

/** What node-postgres throws for a unique violation: the offending value sits in `detail`. */
function pgUniqueViolation(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
    code: '23505',
    detail: `Key (email)=(${EMAIL}) already exists.`,
    table: 'users',
    constraint: 'users_email_key',
  });
}

interface Nested {
  msg: string;
  order: { shipping: { contact: { primary: string; notes: string[] } } };
  upstream: { request: { headers: { Authorization: string } } };
  callback: string;
}
interface ErrorLine {
  msg: string;
  err: { message: string; stack: string; detail?: string; code?: string; table?: string };
}

test('e-mail addresses, bearer credentials and JWTs are scrubbed by value, however deep and wherever they sit', () => {
  const logs = captureLogs('scrub-test');
  logs.logger.info(
    {
      order: { shipping: { contact: { primary: EMAIL, notes: [`call ${EMAIL}\nif late`] } } },
      upstream: { request: { headers: { Authorization: `Bearer ${OPAQUE}` } } },
      callback: `https://shop.example.com/cb?id_token_hint=${JWT}`,
    },
    `mail queued for ${EMAIL}`,
  );
  logs.logger.error({ err: pgUniqueViolation() }, 'insert failed');
  logs.logger.warn(new Error(`token rejected: ${JWT}`));
  logs.logger.info('missing bearer token; challenge Bearer realm="techstore"');

  const text = logs.text();
  for (const value of [EMAIL, JWT, OPAQUE, JWT.split('.')[1]!])
    assert.ok(!text.includes(value), `leaked ${value}`);

  const lines = logs.lines();
  const nested = lines[0] as unknown as Nested;
  const [failed, rejected, prose] = lines.slice(1) as unknown as ErrorLine[];
  assert.equal(nested.order.shipping.contact.primary, '[redacted-email]');
  assert.equal(nested.order.shipping.contact.notes[0], 'call [redacted-email]\nif late');
  assert.equal(nested.upstream.request.headers.Authorization, 'Bearer [redacted]');
  assert.equal(nested.callback, 'https://shop.example.com/cb?id_token_hint=[redacted]');
  assert.equal(nested.msg, 'mail queued for [redacted-email]');

  // The pg error keeps what helps debugging (code, table, constraint) and loses the personal data.
  assert.equal(failed?.err.detail, 'Key (email)=([redacted-email]) already exists.');
  assert.equal(failed?.err.code, '23505');
  assert.equal(failed?.err.table, 'users');
  assert.match(failed?.err.message ?? '', /users_email_key/);
  assert.match(rejected?.err.stack ?? '', /token rejected: \[redacted-jwt\]/);
  assert.equal(prose?.msg, 'missing bearer token; challenge Bearer realm="techstore"');
});

test('query parameters outside the allow-list are scrubbed from log lines, as from spans', () => {
  const logs = captureLogs('scrub-test');
  logs.logger.warn(
    { upstream: 'http://127.0.0.1:8081/auth/cb?code=AUTHC0DE42&state=ST4TE42&returnTo=/cart' },
    'callback failed for /bff/callback?session_state=S3SSION42&iss=http%3A%2F%2Fidp',
  );
  const text = logs.text();
  for (const secret of ['AUTHC0DE42', 'ST4TE42', 'S3SSION42'])
    assert.ok(!text.includes(secret), `leaked ${secret}`);
  const [line] = logs.lines() as unknown as Array<{ upstream: string; msg: string }>;
  assert.equal(
    line?.upstream,
    'http://127.0.0.1:8081/auth/cb?code=[redacted]&state=[redacted]&returnTo=/cart',
  );
  assert.equal(line?.msg, 'callback failed for /bff/callback?session_state=[redacted]&iss=http%3A%2F%2Fidp');
});

test('lines written just before the process exits are not lost (stdout is written asynchronously)', async () => {
  const script = fileURLToPath(new URL('./testing/fixtures/log-then-exit.ts', import.meta.url));
  for (const [exit, code] of [
    ['process.exit', 3],
    ['throw', 1],
  ] as const) {
    const child = spawnFixture(script, { env: { LINES: '3000', EXIT: exit } });
    assert.equal((await child.exited).code, code);
    const stdout = child.process.stdout!;
    if (!stdout.readableEnded) await new Promise((resolve) => stdout.once('end', resolve));
    const logged = child.lines.filter((line) => line.includes('"msg":"line"'));
    assert.equal(logged.length, 3000, exit);
    assert.equal((JSON.parse(logged.at(-1)!) as { line: number }).line, 2999);
  }
});

test(
  'a service logging to a pipe leaves it blocking: no 100 ms stalls while the reader catches up',
  { skip: process.platform !== 'linux' && 'reads /proc' },
  async () => {
    const script = fileURLToPath(new URL('./testing/fixtures/stdout-mode.ts', import.meta.url));
    const nonBlocking = async (touch: boolean) => {
      const child = spawnFixture(script, { env: { TOUCH_STDOUT: touch ? '1' : '0' } });
      let stderr = '';
      child.process.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      assert.equal((await child.exited).code, 0, stderr);
      return /O_NONBLOCK (true|false)/.exec(stderr)?.[1];
    };
    assert.equal(await nonBlocking(false), 'false', 'readableLogs and the logger leave fd 1 as it was');
    assert.equal(await nonBlocking(true), 'true', 'what process.stdout does to it, which the lint forbids');
  },
);

test('secret field names are redacted at the top, one level down in any field, and in serialized requests and errors', () => {
  const logs = captureLogs('redact-test');
  const child = logs.logger.child({ session: { accessToken: 'S3CRET-BINDING' } });
  const body = { username: 'mario', password: 'S3CRET-1', client_secret: 'S3CRET-2' };
  child.info(
    {
      body,
      tokens: { refreshToken: 'S3CRET-3', idToken: 'S3CRET-4', kept: 'visible' },
      password: 'S3CRET-5',
      headers: { authorization: 'S3CRET-6', cookie: 'S3CRET-7', accept: 'application/json' },
      err: Object.assign(new Error('login failed'), { secret: 'S3CRET-8' }),
    },
    'login attempt',
  );
  const text = logs.text();
  for (let n = 1; n <= 8; n++) assert.ok(!text.includes(`S3CRET-${n}`), `leaked S3CRET-${n}`);
  assert.ok(!text.includes('S3CRET-BINDING'), 'leaked a child binding');
  const [line] = logs.lines() as Array<Record<string, Record<string, string>>>;
  assert.deepEqual(line!.body, { username: 'mario', password: '[redacted]', client_secret: '[redacted]' });
  assert.equal(line!.tokens!.kept, 'visible');
  assert.equal(line!.headers!.accept, 'application/json');
  assert.equal(line!.err!.message, 'login failed');
  assert.equal(line!.err!.secret, '[redacted]');
  // Redaction copies: the caller's object is left as it was.
  assert.equal(body.password, 'S3CRET-1');
});
