/**
 * A transparent loopback proxy in front of the idp that counts token requests per client and
 * scope. The benchmark points shop-api's KEYCLOAK_INTERNAL_URL at it, so "token requests made by
 * shop-api during the run" is counted at the wire, whatever shop-api believes it did.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

export interface TokenProxy {
  url: string;
  /** Token requests seen, keyed `clientId scope` (scope '-' when none was asked for). */
  counts: Map<string, number>;
  reset(): void;
  total(clientId: string): number;
  close(): Promise<void>;
}

export async function startTokenProxy(target: string): Promise<TokenProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();

  function count(req: IncomingMessage, body: Buffer) {
    if (req.method !== 'POST' || !req.url?.endsWith('/protocol/openid-connect/token')) return;
    const form = new URLSearchParams(body.toString('utf8'));
    let clientId = form.get('client_id');
    const basic = req.headers.authorization?.match(/^Basic (.+)$/i)?.[1];
    if (!clientId && basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      clientId = decodeURIComponent(decoded.slice(0, decoded.indexOf(':')));
    }
    const key = `${clientId ?? '?'} ${form.get('scope') ?? '-'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      count(req, body);
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    reset: () => counts.clear(),
    total: (clientId) =>
      [...counts].filter(([key]) => key.startsWith(`${clientId} `)).reduce((sum, [, n]) => sum + n, 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
