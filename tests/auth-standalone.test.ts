/**
 * @mockmart/auth is meant to be copied into other teams' services. This copies the package (sources
 * only, no tests) into a fresh project outside the monorepo whose node_modules holds nothing but
 * the package's declared dependencies (jose, oauth4webapi and, for the Fastify adapter, fastify-plugin: none has any of its own), and runs a service-to-service round trip there on plain Node: a client-credentials token
 * from a local issuer, accepted for its audience and refused for another. A hidden dependency on
 * the monorepo (a workspace import, a root tsconfig, a package only hoisted here) fails it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@mockmart/devstack';

const project = mkdtempSync(join(tmpdir(), 'auth-adopter-'));
after(() => rmSync(project, { recursive: true, force: true }));

const SCRIPT = `
import { createAccessTokenVerifier, createTokenProvider, keycloakEndpoints } from '@mockmart/auth';
import { silentLogger, startTestIssuer } from '@mockmart/auth/testing';

const issuer = await startTestIssuer({ relativePath: '/auth', publicUrl: 'https://sso.example.com' });
try {
  const idp = keycloakEndpoints({
    publicUrl: 'https://sso.example.com',
    internalUrl: issuer.url,
    realm: 'techstore',
    relativePath: '/auth',
  });
  const tokens = createTokenProvider({
    tokenEndpoint: idp.tokenEndpoint,
    clientId: 'shop-api',
    clientSecret: issuer.clientSecret('shop-api'),
    logger: silentLogger,
  });
  const token = await tokens.getToken({ scope: 'payment-api' });
  const payment = createAccessTokenVerifier({ idp, audience: 'payment-service', logger: silentLogger });
  const principal = await payment.verify(token);
  const inventory = createAccessTokenVerifier({ idp, audience: 'inventory-service', logger: silentLogger });
  const refused = await inventory.verify(token).then(() => 'accepted', (error) => error.reason);
  console.log(JSON.stringify({ client: principal.clientId, serviceAccount: principal.isServiceAccount, refused }));
} finally {
  await issuer.close();
}
`;

test('the auth package copied into a project of its own works with only its declared dependencies installed', async () => {
  const vendored = join(project, 'vendor', 'auth');
  cpSync(join(REPO_ROOT, 'packages', 'auth'), vendored, {
    recursive: true,
    filter: (source) => !source.endsWith('.test.ts') && !source.includes('node_modules'),
  });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  // What `npm install ./vendor/auth` would link; nothing else from this repository.
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@mockmart'), { recursive: true });
  symlinkSync(vendored, join(modules, '@mockmart', 'auth'), 'dir');
  const manifest = JSON.parse(readFileSync(join(vendored, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['fastify-plugin', 'jose', 'oauth4webapi']);
  for (const name of Object.keys(manifest.dependencies))
    symlinkSync(join(REPO_ROOT, 'node_modules', name), join(modules, name), 'dir');
  writeFileSync(join(project, 'main.ts'), SCRIPT);

  const { stdout } = await promisify(execFile)(process.execPath, ['main.ts'], {
    cwd: project,
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });

  assert.deepEqual(JSON.parse(stdout.trim()), {
    client: 'shop-api',
    serviceAccount: true,
    refused: 'aud_mismatch',
  });
});
