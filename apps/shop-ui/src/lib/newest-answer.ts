/**
 * Requests for the same state (the cart) can be answered out of order: a slow first load arriving
 * after a quick "add" would put the older cart back. This applies an answer only when no request
 * sent after it has been applied already, so what is shown is always the newest request's answer.
 */
export function newestAnswer() {
  let sent = 0;
  let applied = 0;
  return {
    async request<T>(send: () => Promise<T>, apply: (answer: T) => void): Promise<void> {
      const ticket = ++sent;
      const answer = await send();
      if (ticket < applied) return;
      applied = ticket;
      apply(answer);
    },
    /** A local change (the cart emptied by checkout): answers to requests sent before it are dropped. */
    supersede(): void {
      applied = ++sent;
    },
  };
}
