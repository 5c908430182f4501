// Which Idempotency-Key a checkout submit uses. A key belongs to one exact request body: resending
// that body after an unknown outcome reuses it (the server replays its first answer instead of
// charging twice); any other body, or a submit after a definite answer, gets a fresh key.

export type PendingAttempt = { key: string; body: string } | undefined;

export function keyForSubmit(
  pending: PendingAttempt,
  body: string,
  newKey: () => string,
): { key: string; body: string } {
  return pending?.body === body ? pending : { key: newKey(), body };
}
