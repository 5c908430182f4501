/**
 * Many distinct shoppers for concurrency tests: a cart is per user, so 200 concurrent checkouts
 * need 200 accounts. They are written as a partial `techstore` realm file (the idp merges it after
 * techstore-realm.json and dev-users.json) whose passwords are imported as Keycloak-style
 * pbkdf2-sha256 credentials with few iterations: test data, so 200 password grants stay cheap.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from './limit.ts';
import type { TestSystem } from '../../support/system.ts';

export interface Shopper {
  username: string;
  password: string;
  email: string;
}

/** Few iterations on purpose (test accounts); Keycloak's pbkdf2-sha256 derives 512 bits. */
const ITERATIONS = 1000;
const KEY_BYTES = 64;

/** `prefix001` … `prefixNNN`, each with a password generated for this run (nothing committed). */
export function makeShoppers(count: number, prefix = 'shopper', from = 1): Shopper[] {
  return Array.from({ length: count }, (_, i) => {
    const username = `${prefix}${String(from + i).padStart(3, '0')}`;
    return { username, password: randomBytes(12).toString('base64url'), email: `${username}@shoppers.test` };
  });
}

/** The Keycloak export representation of a hashed password (secretData + credentialData). */
function pbkdf2Credential(password: string) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, ITERATIONS, KEY_BYTES, 'sha256');
  return {
    type: 'password',
    temporary: false,
    secretData: JSON.stringify({
      value: hash.toString('base64'),
      salt: salt.toString('base64'),
      additionalParameters: {},
    }),
    credentialData: JSON.stringify({
      hashIterations: ITERATIONS,
      algorithm: 'pbkdf2-sha256',
      additionalParameters: {},
    }),
  };
}

/** Writes `{ realm: 'techstore', users }` into `dir` and returns the file's absolute path. */
export async function writeShoppersRealm(dir: string, shoppers: Shopper[]): Promise<string> {
  const users = shoppers.map((s, i) => ({
    username: s.username,
    enabled: true,
    email: s.email,
    emailVerified: true,
    firstName: 'Shopper',
    lastName: String(i + 1),
    realmRoles: ['default-roles-techstore', 'user', 'can-checkout'],
    credentials: [pbkdf2Credential(s.password)],
    requiredActions: [],
  }));
  const file = join(dir, 'shoppers-realm.json');
  await writeFile(file, JSON.stringify({ realm: 'techstore', users }), { mode: 0o600 });
  return file;
}

/** IDP_REALM_FILES for the idp part: the deploy realm, the dev users, then the shoppers. */
export function realmFilesWith(file: string): string {
  return ['deploy/keycloak/techstore-realm.json', 'deploy/keycloak/dev-users.json', file].join(',');
}

/** One access token per shopper (password grant, techstore-cli), `concurrency` requests at a time. */
export async function tokensFor(
  system: TestSystem,
  shoppers: Shopper[],
  concurrency = 8,
): Promise<Map<string, string>> {
  const tokens = await mapLimit(shoppers, concurrency, (s) => system.userToken(s.username, s.password));
  return new Map(shoppers.map((s, i) => [s.username, tokens[i]!]));
}
