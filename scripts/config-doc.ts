/** Rewrites the README's configuration reference from the services' config schemas. */
import { readFileSync, writeFileSync } from 'node:fs';
import { REPO_ROOT } from '@mockmart/devstack';
import { END, START, renderConfigReference } from './lib/config-reference.ts';

const file = `${REPO_ROOT}/README.md`;
const readme = readFileSync(file, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < 0) throw new Error(`README.md has no ${START} … ${END} section`);
writeFileSync(file, readme.slice(0, from) + (await renderConfigReference()) + readme.slice(to + END.length));
console.log('README.md configuration reference updated');
