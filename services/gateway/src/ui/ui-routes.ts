import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { NotFound } from '@mockmart/service-kit';

export interface UiRoutesOptions {
  distDir: string;
  /** Path prefixes that are never the SPA (their unknown paths are a 404 problem, not index.html). */
  reserved: string[];
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TechStore</title></head>
<body><h1>The shop UI is not built</h1>
<p>Run <code>npm run build -w apps/shop-ui</code>, then reload. The API is served under <code>/api</code>.</p>
</body></html>
`;

/**
 * The built single-page app: files from the dist folder (hashed assets cached for a year,
 * index.html never cached) and, for any other GET outside the API prefixes, index.html so the
 * client-side router can render deep links. When the UI is not built, a plain page says so.
 */
export async function uiRoutes(app: FastifyInstance, options: UiRoutesOptions): Promise<void> {
  const root = path.resolve(options.distDir);
  await app.register(fastifyStatic, { root, serve: false, index: false, dotfiles: 'deny' });

  const sendIndex = async (reply: FastifyReply) => {
    if (!(await isFile(path.join(root, 'index.html')))) {
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  };

  app.get('/', (_request, reply) => sendIndex(reply));
  app.get('/*', async (request, reply) => {
    const urlPath = (request.url.split('?')[0] ?? '/').replace(/\/+$/, '') || '/';
    if (options.reserved.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`))) {
      throw new NotFound(`No route for ${request.method} ${urlPath}`);
    }
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath).replace(/^\/+/, '');
    } catch {
      throw new NotFound('Malformed path');
    }
    const file = path.resolve(root, relative);
    if (
      file.startsWith(root + path.sep) &&
      !relative.split('/').some((part) => part.startsWith('.')) &&
      (await isFile(file))
    ) {
      const immutable = relative.startsWith('assets/');
      return reply.sendFile(relative, root, {
        cacheControl: true,
        immutable,
        maxAge: immutable ? 365 * 24 * 3600 * 1000 : 0,
      });
    }
    // A missing file with an extension is a broken asset link, not a page.
    if (path.extname(relative) !== '') throw new NotFound(`No file ${urlPath}`);
    return sendIndex(reply);
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
