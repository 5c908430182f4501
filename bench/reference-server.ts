/**
 * The comparison point of bench/read-path.bench.ts: a shop API in the original's design, written
 * here from its description — Express 4 with express.json, express.urlencoded, express-session
 * (memory store, saveUninitialized: true) and cors; the 10 seed products in an in-memory array;
 * jose verification of a bearer token (issuer only, as the original did); the order history read
 * from PostgreSQL as the original read it (a `pg` pool of 20, one `json_agg` over a LEFT JOIN of
 * its `orders` and `order_items` tables, rows mapped in JavaScript); OpenTelemetry instrumentation
 * of http with an OTLP exporter pointed at a closed port.
 *
 *   node bench/reference-server.ts <jwks-url> <issuer> <database-url>   → prints `PORT <n>` on stderr
 *
 * The database holds the original's schema and the orders the bench seeds (reference-database.ts).
 */
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { RequestHandler } from 'express';

// Instrumentation first, as an auto-instrumentation preload would: express is patched on import.
const provider = new NodeTracerProvider({
  // Port 9 (discard) on loopback: nothing listens, every export fails, as in the measured setup.
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: 'http://127.0.0.1:9/v1/traces' }))],
});
provider.register();
// HTTP only: the express instrumentation of this OpenTelemetry line needs a newer API than the
// repository's, and the repository has no pg instrumentation (the original's auto-instrumentation
// had both); without them the reference does less work per request, so the ratios are conservative.
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

const { default: express } = await import('express');
const { default: session } = await import('express-session');
const { default: cors } = await import('cors');
const { createRemoteJWKSet, jwtVerify } = await import('jose');
const { default: pg } = await import('pg');

const [jwksUrl, issuer, databaseUrl] = process.argv.slice(2) as [string, string, string];
const jwks = createRemoteJWKSet(new URL(jwksUrl));
// The original's pool: max 20, idle 30 s, connect timeout 2 s.
const pool = new pg.Pool({
  connectionString: databaseUrl,
  max: 20,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 2_000,
});

const seed: Array<[string, string, number, string]> = [
  ['Laptop ProBook 15', 'electronics', 899.99, 'A 15-inch laptop for work and study.'],
  ['Wireless Mouse', 'electronics', 29.99, 'Ergonomic wireless mouse with a silent click.'],
  ['Mechanical Keyboard', 'electronics', 119.99, 'Mechanical keyboard with tactile switches.'],
  ['USB-C Hub', 'accessories', 49.99, '7-in-1 USB-C hub with HDMI and power delivery.'],
  ['Webcam HD Pro', 'electronics', 79.99, 'Full HD 1080p webcam with a stereo microphone.'],
  ['Headphones Studio', 'audio', 159.99, 'Over-ear studio headphones with noise cancelling.'],
  ['Portable SSD 1TB', 'storage', 129.99, 'Portable 1 TB SSD with USB-C.'],
  ['Monitor 27" 4K', 'electronics', 449.99, '27-inch 4K UHD IPS monitor.'],
  ['Laptop Stand', 'accessories', 34.99, 'Adjustable aluminium laptop stand.'],
  ['Cable Organizer Set', 'accessories', 14.99, 'A set of cable organisers.'],
];
const products = seed.map(([name, category, price, description], index) => ({
  id: index + 1,
  name,
  category,
  price,
  description,
  stock: 100,
}));

// The original's order history: every order of the token's subject with its items, newest first.
const ORDER_HISTORY = `
  SELECT o.id, o.user_id, o.total, o.shipping_address, o.payment_method, o.status, o.created_at,
         json_agg(json_build_object('productId', oi.product_id, 'productName', oi.product_name,
                                    'quantity', oi.quantity, 'price', oi.price)) AS items
    FROM orders o LEFT JOIN order_items oi ON oi.order_id = o.id
   WHERE o.user_id = $1
   GROUP BY o.id
   ORDER BY o.created_at DESC`;

const app = express();
app.use(cors());
app.use(express.json());
app.use(express.urlencoded({ extended: true }));
// The memory store the original used; the secret is random per run, nothing is kept.
app.use(session({ secret: crypto.randomUUID(), resave: false, saveUninitialized: true }));

const authenticate: RequestHandler = async (request, response, next) => {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return void response.status(401).json({ error: 'unauthorized' });
  try {
    const { payload } = await jwtVerify(token, jwks, { issuer });
    response.locals.user = payload;
    next();
  } catch {
    response.status(401).json({ error: 'invalid token' });
  }
};

app.get('/api/products', (request, response) => {
  const category = request.query.category;
  response.json(category ? products.filter((product) => product.category === category) : products);
});
app.get('/api/user/profile', authenticate, (_request, response) => {
  const user = response.locals.user as Record<string, unknown>;
  response.json({ id: user.sub, username: user.preferred_username, email: user.email, roles: [] });
});
app.get('/api/orders', authenticate, async (_request, response) => {
  const user = response.locals.user as Record<string, unknown>;
  let rows;
  try {
    ({ rows } = await pool.query(ORDER_HISTORY, [user.sub]));
  } catch {
    return void response.status(500).json({ error: 'Failed to fetch orders' });
  }
  response.json(
    rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      total: Number.parseFloat(row.total),
      shippingAddress: row.shipping_address,
      paymentMethod: row.payment_method,
      status: row.status,
      createdAt: row.created_at,
      items: row.items,
    })),
  );
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stderr.write(`PORT ${(server.address() as { port: number }).port}\n`);
});
