import { join } from 'node:path';
import { loadOrCreateLocalSecrets, readLocalSecrets } from '@mockmart/devstack/local-secrets';
import { SECRET_NAMES } from '@mockmart/devstack';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment of a standalone idp (`npm run idp`). Outside production, secrets the environment
 * does not set come from the untracked file `npm start` generates (`MOCKMART_SECRETS_FILE`, default
 * `.secrets/local.env`), created on a clean checkout — so `npm run idp` starts with nothing set, and
 * both commands share one set of client secrets. Variables that are set win. In production nothing
 * is read or written: secrets come from the environment only. `create: false` (the rotate command,
 * which needs what a running idp was started with) only reads.
 */
export function withLocalSecrets(
  env: Env,
  root: string,
  { create = true }: { create?: boolean } = {},
): { env: Env; secretsFile?: string; created: boolean } {
  if (env.NODE_ENV === 'production' || SECRET_NAMES.every((name) => env[name]))
    return { env, created: false };
  const secretsFile = env.MOCKMART_SECRETS_FILE || join(root, '.secrets/local.env');
  const { secrets, created } = create
    ? loadOrCreateLocalSecrets(secretsFile)
    : { secrets: readLocalSecrets(secretsFile) ?? {}, created: false };
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value));
  return { env: { ...secrets, ...set }, secretsFile, created };
}
