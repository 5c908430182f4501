import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in shop-api on 127.0.0.1:0 that answers every request with what it received, so tests
 * can see exactly which headers the gateway forwarded. Sets a cookie, to prove the gateway drops it.
 */
export async function startEchoUpstream(): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      // Like shop-api: orders need a user token.
      const status =
        request.url?.startsWith('/api/orders') && !request.headers.authorization
          ? 401
          : request.url?.startsWith('/api/checkout')
            ? 201
            : 200;
      response.writeHead(status, {
        'content-type': 'application/json',
        'set-cookie': 'upstream=1; Path=/',
      });
      response.end(JSON.stringify(entry));
    });
  });
  // Like Node's and Fastify's defaults, and short enough to make the gateway's hop-by-hop handling matter.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
