import { createHash } from 'node:crypto';

/**
 * Strong ETags for answers named by a version of their data: `"<format>.<version>"`, the format
 * being a digest of what writes the answer (its statement, its view code, its schema). A client
 * holding an answer of an older shape after a deploy is sent the new one, not a 304.
 */
export function versionedEtag(...formatSources: string[]): (version: string) => string {
  const hash = createHash('sha256');
  for (const source of formatSources) hash.update(source);
  const format = hash.digest('base64url').slice(0, 12);
  return (version) => `"${format}.${version}"`;
}
