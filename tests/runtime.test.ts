import { test } from 'node:test';
import assert from 'node:assert/strict';

test('npm scripts run on the Node 24 LTS that the repository brings', () => {
  console.log(`runtime: ${process.version}`);
  assert.equal(Number(process.versions.node.split('.')[0]), 24, `expected Node 24, got ${process.version}`);
});
