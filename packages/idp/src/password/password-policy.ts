import { IdpError } from '../errors.ts';

/**
 * A realm's `passwordPolicy` (Keycloak's string form: `length(12) and notUsername and notEmail`),
 * checked where Keycloak checks it: when a password is set through the Admin REST API and when a
 * realm file imports a plain-text credential (Keycloak then refuses the import; see
 * keycloak/keycloak#29420 and #48509). Logins are never checked against it.
 *
 * Enforced: length, maxLength, digits, lowerCase, upperCase, specialChars, notUsername, notEmail,
 * notContainsUsername, regexPattern. Other policies (hashAlgorithm, hashIterations,
 * passwordHistory, forceExpiredPasswordChange, passwordBlacklist …) are accepted and not enforced.
 */
export type PasswordPolicy = ReadonlyArray<{ name: string; arg?: string }>;

export interface PolicyViolation {
  /** Keycloak's message key, e.g. `invalidPasswordMinLengthMessage`. */
  key: string;
  /** Keycloak's English message, e.g. `Invalid password: minimum length 12.` */
  message: string;
}

/** One policy term: `name` or `name(arg)`; `undefined` as arg (what the admin console writes) means the default. */
const TERM = /^([A-Za-z]+)(?:\((.*)\))?$/s;

export function parsePasswordPolicy(text: string | undefined, where: string): PasswordPolicy {
  if (!text?.trim()) return [];
  return text.split(/\s+and\s+/).map((term) => {
    const match = TERM.exec(term.trim());
    if (!match)
      throw new IdpError(
        'IDP_REALM_FILE_INVALID',
        `${where}: passwordPolicy term "${term}" is not name(arg)`,
      );
    const arg = match[2]?.trim();
    return { name: match[1] as string, ...(arg && arg !== 'undefined' ? { arg } : {}) };
  });
}

type Check = (
  password: string,
  user: { username: string; email?: string },
  arg: string | undefined,
) => PolicyViolation | undefined;

const count = (password: string, pattern: RegExp): number => password.match(pattern)?.length ?? 0;

const atLeast =
  (pattern: RegExp, key: string, what: string): Check =>
  (password, _user, arg) => {
    const min = Number(arg ?? 1);
    return count(password, pattern) < min
      ? { key, message: `Invalid password: must contain at least ${min} ${what}.` }
      : undefined;
  };

/** Character classes as Java's Character.isDigit / isLowerCase / isUpperCase / !isLetterOrDigit. */
const CHECKS: Record<string, Check> = {
  length: (password, _user, arg) => {
    const min = Number(arg ?? 8);
    return password.length < min
      ? { key: 'invalidPasswordMinLengthMessage', message: `Invalid password: minimum length ${min}.` }
      : undefined;
  },
  maxLength: (password, _user, arg) => {
    const max = Number(arg ?? 64);
    return password.length > max
      ? { key: 'invalidPasswordMaxLengthMessage', message: `Invalid password: maximum length ${max}.` }
      : undefined;
  },
  digits: atLeast(/\p{Nd}/gu, 'invalidPasswordMinDigitsMessage', 'numerical digits'),
  lowerCase: atLeast(/\p{Ll}/gu, 'invalidPasswordMinLowerCaseCharsMessage', 'lower case characters'),
  upperCase: atLeast(/\p{Lu}/gu, 'invalidPasswordMinUpperCaseCharsMessage', 'upper case characters'),
  specialChars: atLeast(/[^\p{L}\p{Nd}]/gu, 'invalidPasswordMinSpecialCharsMessage', 'special characters'),
  notUsername: (password, user) =>
    password === user.username
      ? {
          key: 'invalidPasswordNotUsernameMessage',
          message: 'Invalid password: must not be equal to the username.',
        }
      : undefined,
  notContainsUsername: (password, user) =>
    password.toLowerCase().includes(user.username.toLowerCase())
      ? {
          key: 'invalidPasswordNotContainsUsernameMessage',
          message: 'Invalid password: Can not contain the username.',
        }
      : undefined,
  notEmail: (password, user) =>
    user.email !== undefined && password.toLowerCase() === user.email.toLowerCase()
      ? {
          key: 'invalidPasswordNotEmailMessage',
          message: 'Invalid password: must not be equal to the email.',
        }
      : undefined,
  regexPattern: (password, _user, arg) =>
    arg !== undefined && !new RegExp(`^(?:${arg})$`, 'u').test(password)
      ? {
          key: 'invalidPasswordRegexPatternMessage',
          message: `Invalid password: fails to match regex pattern(s).`,
        }
      : undefined,
};

/** The first rule the password breaks, in the policy's order (Keycloak reports one error), or undefined. */
export function checkPassword(
  policy: PasswordPolicy,
  password: string,
  user: { username: string; email?: string },
): PolicyViolation | undefined {
  for (const { name, arg } of policy) {
    const violation = CHECKS[name]?.(password, user, arg);
    if (violation) return violation;
  }
  return undefined;
}
