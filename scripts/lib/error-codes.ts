import { globSync, readFileSync } from 'node:fs';
import { REPO_ROOT } from '@mockmart/devstack';

export interface ErrorCode {
  code: string;
  where: string;
  status?: number;
  title?: string;
}

const PREFIX = '(?:KIT|AUTH|IDP|SHOP|INV|PAY|NOTIF|GW)_[A-Z0-9_]+';
// In an errors.ts every code-shaped literal is a code; elsewhere only one given as a code
// (`code: '…'`, `code = '…'`) or as the first argument of an error constructor.
const IN_ERRORS_FILE = new RegExp(`['"\`](${PREFIX})['"\`]`, 'g');
const ELSEWHERE = new RegExp(`(?:code:\\s*|code = |Error\\(\\s*)['"\`](${PREFIX})['"\`]`, 'g');
const DEFINED = /defineError\(\s*'([A-Z0-9_]+)',\s*(\d{3}),\s*'([^']+)'/g;

/** Every stable error code the shipped sources use, with status and title where declared. */
export function collectErrorCodes(): ErrorCode[] {
  const files = globSync('{packages,services}/*/src/**/*.ts', { cwd: REPO_ROOT }).filter(
    (file) => !/\.test\.ts$|\/testing\/|\/fixtures\//.test(file),
  );
  const codes = new Map<string, ErrorCode>();
  for (const file of files.sort()) {
    const text = readFileSync(`${REPO_ROOT}/${file}`, 'utf8');
    const where = file.split('/').slice(0, 2).join('/');
    const pattern = file.endsWith('/errors.ts') ? IN_ERRORS_FILE : ELSEWHERE;
    for (const [, code] of text.matchAll(pattern))
      if (!codes.has(code!)) codes.set(code!, { code: code!, where });
    for (const [, code, status, title] of text.matchAll(DEFINED))
      codes.set(code!, { code: code!, where, status: Number(status), title });
  }
  return [...codes.values()].sort((a, b) => a.where.localeCompare(b.where) || a.code.localeCompare(b.code));
}
