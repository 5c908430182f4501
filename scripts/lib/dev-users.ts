import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@mockmart/devstack';

interface RealmUser {
  username: string;
  email?: string;
  realmRoles?: string[];
  credentials?: { type?: string; value?: string }[];
}

/** The development users of deploy/keycloak/dev-users.json, for the start banner and tests. */
function readDevUsers() {
  const file = join(REPO_ROOT, 'deploy/keycloak/dev-users.json');
  if (!existsSync(file)) return [];
  const realm = JSON.parse(readFileSync(file, 'utf8')) as { users?: RealmUser[] };
  return (realm.users ?? [])
    .filter((user) => !user.username.startsWith('service-account-'))
    .map((user) => ({
      username: user.username,
      password:
        user.credentials?.find((credential) => credential.type === 'password')?.value ?? '(see realm)',
      description: [
        user.email ?? 'no e-mail',
        (user.realmRoles ?? []).filter((role) => !role.startsWith('default-')).join(', '),
      ]
        .filter(Boolean)
        .join(' · '),
    }));
}

export const DEV_USERS = readDevUsers();

/** A development user's password, from the same file (the demo commands sign in as these users). */
export function devPassword(username: string): string {
  const user = DEV_USERS.find((candidate) => candidate.username === username);
  if (!user || user.password === '(see realm)')
    throw new Error(`no development user ${username} in deploy/keycloak/dev-users.json`);
  return user.password;
}
