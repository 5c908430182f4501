/** The header and payload of a JWT: base64url JSON objects both start with `eyJ` (`{"`). */
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/;

/**
 * Log lines (`part | line`) holding something JWT-shaped (an access, refresh, ID or logout token),
 * each cut just before the token, so that reporting a leak does not leak it again.
 *
 * @example linesWithTokens('gateway | {"auth":"Bearer eyJhbGciOi.eyJzdWIiOi.sig"}') // ['gateway | {"auth":"Bearer eyJ…(token)']
 */
export function linesWithTokens(logs: string): string[] {
  return logs
    .split('\n')
    .filter((line) => JWT_SHAPE.test(line))
    .map((line) => {
      const before = line.slice(0, line.search(JWT_SHAPE));
      const part = before.slice(0, before.indexOf(' | ') + 3); // `part | ` as the system prefixes lines
      const context = before.slice(part.length);
      return `${part}${context.length > 160 ? `…${context.slice(-160)}` : context}eyJ…(token)`;
    });
}
