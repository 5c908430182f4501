import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { IdpError } from '../errors.ts';
import { checkPassword, parsePasswordPolicy } from './password-policy.ts';

const mario = { username: 'mario', email: 'mario.rossi@example.com' };
const keyOf = (policy: string, password: string, user: { username: string; email?: string } = mario) =>
  checkPassword(parsePasswordPolicy(policy, 'test'), password, user)?.key;

describe('password policy', () => {
  test('length: the argument, else 8; the message carries the minimum', () => {
    assert.deepEqual(checkPassword(parsePasswordPolicy('length(12)', 't'), 'mario123', mario), {
      key: 'invalidPasswordMinLengthMessage',
      message: 'Invalid password: minimum length 12.',
    });
    assert.equal(keyOf('length(12)', 'twelve-chars'), undefined);
    assert.equal(keyOf('length', 'seven77'), 'invalidPasswordMinLengthMessage');
    assert.equal(
      keyOf('length(undefined)', 'eight888'),
      undefined,
      'the admin console writes (undefined) for the default',
    );
    assert.equal(keyOf('maxLength(10)', 'eleven-char'), 'invalidPasswordMaxLengthMessage');
  });

  test('character classes count like Java (digits, lower, upper, anything not a letter or digit)', () => {
    assert.equal(keyOf('digits(2)', 'abc1'), 'invalidPasswordMinDigitsMessage');
    assert.equal(keyOf('digits(2)', 'abc12'), undefined);
    assert.equal(keyOf('lowerCase(2)', 'ABc'), 'invalidPasswordMinLowerCaseCharsMessage');
    assert.equal(keyOf('upperCase', 'abc'), 'invalidPasswordMinUpperCaseCharsMessage');
    assert.equal(keyOf('upperCase', 'Ábc'), undefined);
    assert.equal(keyOf('specialChars', 'abc123'), 'invalidPasswordMinSpecialCharsMessage');
    assert.equal(keyOf('specialChars(2)', 'a b!'), undefined);
  });

  test('notUsername, notContainsUsername and notEmail', () => {
    assert.equal(keyOf('notUsername', 'mario'), 'invalidPasswordNotUsernameMessage');
    assert.equal(keyOf('notUsername', 'mario123'), undefined);
    assert.equal(keyOf('notContainsUsername', 'xMARIOx'), 'invalidPasswordNotContainsUsernameMessage');
    assert.equal(keyOf('notEmail', 'Mario.Rossi@example.com'), 'invalidPasswordNotEmailMessage');
    assert.equal(
      keyOf('notEmail', 'anything', { username: 'noemail' }),
      undefined,
      'no e-mail, nothing to equal',
    );
  });

  test('regexPattern must match the whole password', () => {
    assert.equal(keyOf('regexPattern([a-z]+[0-9]+)', 'abc123'), undefined);
    assert.equal(keyOf('regexPattern([a-z]+)', 'abc123'), 'invalidPasswordRegexPatternMessage');
  });

  test('terms are checked in order and the first broken one is reported; unknown policies are not enforced', () => {
    const policy = 'hashIterations(27500) and length(12) and notUsername and passwordHistory(3)';
    assert.equal(keyOf(policy, 'mario'), 'invalidPasswordMinLengthMessage');
    assert.equal(keyOf(policy, 'long-enough-password'), undefined);
    assert.deepEqual(parsePasswordPolicy(undefined, 't'), []);
  });

  test('a term that is not name(arg) is a realm file error', () => {
    assert.throws(
      () => parsePasswordPolicy('length(12) and not a term', 'realm x'),
      (err: unknown) => {
        assert.ok(err instanceof IdpError);
        assert.equal(err.code, 'IDP_REALM_FILE_INVALID');
        return true;
      },
    );
  });
});
