/** Regenerates docs/errors.md from the sources: `node scripts/errors-doc.ts`. */
import { writeFileSync } from 'node:fs';
import { REPO_ROOT } from '@mockmart/devstack';
import { collectErrorCodes } from './lib/error-codes.ts';

const rows = collectErrorCodes().map(
  (entry) => `| \`${entry.code}\` | ${entry.status ?? ''} | ${entry.title ?? ''} | \`${entry.where}\` |`,
);
writeFileSync(
  `${REPO_ROOT}/docs/errors.md`,
  `# Error codes

Every error MockMart answers on purpose carries a stable \`code\` in its
\`application/problem+json\` body (auth errors also an RFC 6750 \`WWW-Authenticate\` header).
A shipped code is never renamed. Generated from the sources by \`node scripts/errors-doc.ts\`;
\`tests/docs-errors.test.ts\` fails when a code is missing here. Statuses are given where the code is
declared with \`defineError\`; the auth library's statuses are listed in \`packages/auth/README.md\`,
and the identity provider answers Keycloak's OAuth error bodies (\`invalid_grant\`, …) on its
protocol endpoints.

A 5xx body is masked: \`type\`, \`title\`, \`status\`, \`code\`, \`instance\`, \`traceId\` and nothing
else — except the fields an error marks safe to show (\`exposed\`): a checkout's 503
\`SHOP_DEPENDENCY_UNAVAILABLE\` answered once its order exists names it with \`orderId\`,
\`orderStatus\` (and \`reason\` when it failed). Replaying its \`Idempotency-Key\` answers the order's
current state while it is not settled (\`orderStatus\` \`pending\`, \`reserved\`, \`paid\`,
\`refunding\`), then its final answer (see \`services/shop-api/README.md\`, "Answers that say what
happened").

| code | status | title | where |
|---|---|---|---|
${rows.join('\n')}
`,
);
console.log(`docs/errors.md: ${rows.length} codes`);
