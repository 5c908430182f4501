/**
 * The layering rules of lint/layering.js, run through the repository's own eslint.config.js on
 * source text placed (by name only: nothing is written) in each part, so a rule that stops firing —
 * a config change, a renamed folder — fails here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

/** The mockmart/* messages eslint reports for `source` as if it were the file at `path`. */
async function layeringErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: path });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId?.startsWith('mockmart/'))
    .map((message) => `${message.ruleId}: ${message.message}`);
}

describe('lint: dependencies flow one way', () => {
  test('one package may not reach into another by a relative path', async () => {
    const errors = await layeringErrors(
      'packages/idp/src/probe.ts',
      "import { createAccessTokenVerifier } from '../../auth/src/index.ts';",
    );
    assert.deepEqual(errors, [
      'mockmart/layering: packages/idp may not reach into packages/auth by a relative path: import it by its package name (@mockmart/auth).',
    ]);
  });

  test('a package may not import a service, nor scripts, by name or by path', async () => {
    for (const source of [
      "import { Browser } from '@mockmart/gateway/testing';",
      "import { SECRET_NAMES } from '../../../scripts/lib/probe.ts';",
      "import { buildApp } from '../../../services/gateway/src/app.ts';",
      "import { startSystem } from '../../../tests/support/probe.ts';",
    ]) {
      // (By name it is undeclared as well: only the layering error is looked at here.)
      const errors = (await layeringErrors('packages/idp/src/probe.ts', source)).filter((error) =>
        error.startsWith('mockmart/layering:'),
      );
      assert.equal(errors.length, 1, source);
      assert.match(errors[0]!, /^mockmart\/layering: packages\/idp may not import .*flow one way/, source);
    }
  });

  test('a service may not import another service, nor bench', async () => {
    const sideways = await layeringErrors(
      'services/gateway/src/probe.ts',
      "import { startHarness } from '@mockmart/shop-api/testing';",
    );
    assert.match(sideways.join(), /^mockmart\/layering: services\/gateway may not import services\/shop-api/);
    const upward = await layeringErrors('services/payment/src/probe.ts', "import '../../../bench/probe.ts';");
    assert.match(upward.join(), /^mockmart\/layering: services\/payment may not import bench/);
  });

  test('tests and bench import workspaces by name, not by a deep relative path', async () => {
    const deep = await layeringErrors(
      'tests/system/probe.test.ts',
      "import { Browser } from '../../services/gateway/src/testing/browser.ts';",
    );
    assert.match(deep.join(), /^mockmart\/layering: tests may not reach into services\/gateway/);
    assert.deepEqual(
      await layeringErrors('bench/probe.bench.ts', "import { Browser } from '@mockmart/gateway/testing';"),
      [],
    );
  });

  test('what stays inside its part, or reads the realm in deploy/, passes', async () => {
    assert.deepEqual(
      await layeringErrors(
        'packages/idp/src/realm/probe.test.ts',
        "import { startIdp } from '../index.ts';\nimport { techstoreRealm } from '../../../../deploy/keycloak/realm-types.ts';",
      ),
      [],
    );
  });
});

describe('lint: imported packages are declared', () => {
  test('a package a workspace imports must be in its package.json', async () => {
    const errors = await layeringErrors(
      'services/payment/src/probe.ts',
      "import nodemailer from 'nodemailer';",
    );
    assert.deepEqual(errors, [
      'mockmart/declared-dependencies: nodemailer is imported but not declared in services/payment/package.json.',
    ]);
    // notification declares it; builtins need nothing.
    assert.deepEqual(
      await layeringErrors(
        'services/notification/src/probe.ts',
        "import nodemailer from 'nodemailer';\nimport { join } from 'node:path';",
      ),
      [],
    );
  });

  test('scripts, tests and bench answer to the root package.json', async () => {
    const errors = await layeringErrors('scripts/probe.ts', "import { createTransport } from 'nodemailer';");
    assert.deepEqual(errors, [
      'mockmart/declared-dependencies: nodemailer is imported but not declared in package.json.',
    ]);
  });
});
