/**
 * A pass-through HTTP proxy between one gateway replica and the idp that can freeze that replica's
 * refresh-token requests, so it sits on its refresh lease for as long as the test wants and can be
 * killed right there: `request` holds the request (the idp never sees it: the refresh token stays
 * unspent); `response` delivers it and holds the idp's answer (the idp has rotated the refresh
 * token, and the new tokens die with the replica).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefreshStall {
  url: string;
  /** Where requests go (the idp's internal URL); set once the system has started. */
  target: string;
  /** What to hold of the next refresh-token grants; they are never answered. */
  holding: false | 'request' | 'response';
  /** Resolves when the next refresh request is being held. */
  nextHeld(): Promise<void>;
  close(): Promise<void>;
}

const DROPPED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startRefreshStall(): Promise<RefreshStall> {
  let onHeld: (() => void) | undefined;
  const stall: RefreshStall = {
    url: '',
    target: '',
    holding: false,
    nextHeld: () => new Promise<void>((resolve) => (onHeld = resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    void (async () => {
      const payload = await body(request);
      const refresh = /grant_type=refresh_token/.test(payload.toString('latin1'));
      if (refresh && stall.holding === 'request') {
        onHeld?.();
        return; // no answer: the replica waits on its lease until it times out or is killed
      }
      if (!stall.target) {
        response.writeHead(502).end();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] => !DROPPED.has(entry[0]) && typeof entry[1] === 'string',
        ),
      );
      try {
        const answer = await fetch(stall.target + (request.url ?? '/'), {
          method: request.method ?? 'GET',
          headers,
          ...(payload.length > 0 ? { body: new Uint8Array(payload) } : {}),
          redirect: 'manual',
        });
        const text = Buffer.from(await answer.arrayBuffer());
        if (refresh && stall.holding === 'response') {
          onHeld?.();
          return; // the idp has answered; the replica never hears it
        }
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!DROPPED.has(name) && name !== 'content-encoding') out[name] = value;
        });
        response.writeHead(answer.status, out).end(text);
      } catch {
        response.writeHead(502).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stall.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stall;
}
