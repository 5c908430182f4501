import type { Queryable } from '../lib/db.ts';
import { pagingFrom, type Paging } from '../lib/pagination.ts';
import { versionedEtag } from '../lib/versioned-etag.ts';

/** A timestamptz as JavaScript's toISOString() writes it. */
function isoTime(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * A user's order history as JSON text, written by PostgreSQL in one statement: each order with its
 * items and status history, in the shape of OrderSchema (checkout/schemas.ts), newest first.
 *
 * Why not rows through order-view.ts: for 24 orders that was three queries (orders, items,
 * history), a few hundred rows parsed by `pg` (dates included), mapped in JavaScript and then
 * serialised again through the response schema — ≈1.2 ms of shop-api CPU per request, most of the
 * order-history cost. Here PostgreSQL builds the document and shop-api passes the text on.
 *
 * Every field is named explicitly (the stored JSON of the shipping address and of the unavailable
 * lines included), so, as with the response schema, nothing reaches the client that the schema
 * does not declare. Numbers and times are written as order-view.ts writes them: major units as
 * float8 (shortest round-trip form, as JavaScript prints `minor / 100`), times as
 * `toISOString()` (UTC, milliseconds truncated). order-history.test.ts compares the two.
 */
const ORDER_DOCUMENT = `
  SELECT row_to_json(doc)::text FROM (SELECT
    o.id,
    o.user_id AS "userId",
    o.status,
    o.status_reason AS "statusReason",
    o.status_detail AS "statusDetail",
    (SELECT coalesce('[' || string_agg(row_to_json(item)::text, ',' ORDER BY item."productId") || ']', '[]')
       FROM (SELECT i.product_id AS "productId", i.product_name AS "productName", i.quantity,
                    i.unit_price_minor::float8 / 100 AS price, i.unit_price_minor AS "priceMinor",
                    i.unit_price_minor * i.quantity AS "lineTotalMinor"
               FROM order_items i WHERE i.order_id = o.id) item)::json AS items,
    o.total_minor::float8 / 100 AS total,
    o.total_minor AS "totalMinor",
    rtrim(o.currency) AS currency,
    (SELECT row_to_json(shipping) FROM (SELECT
       o.shipping_address->>'firstName' AS "firstName", o.shipping_address->>'lastName' AS "lastName",
       o.shipping_address->>'address' AS address, o.shipping_address->>'city' AS city,
       o.shipping_address->>'zipCode' AS "zipCode", o.shipping_address->>'phone' AS phone) shipping) AS "shippingAddress",
    o.payment_method AS "paymentMethod",
    o.charge_id AS "paymentTransactionId",
    CASE WHEN o.unavailable IS NOT NULL THEN
      (SELECT coalesce('[' || string_agg(row_to_json(line)::text, ',' ORDER BY e.n) || ']', '[]')
         FROM jsonb_array_elements(o.unavailable) WITH ORDINALITY AS e (x, n),
              LATERAL (SELECT (e.x->>'productId')::int AS "productId", e.x->>'productName' AS "productName",
                              (e.x->>'requested')::int AS requested, (e.x->>'available')::int AS available) line)::json
    END AS unavailable,
    (SELECT coalesce('[' || string_agg(row_to_json(step)::text, ',' ORDER BY h.id) || ']', '[]')
       FROM order_status_history h,
            LATERAL (SELECT h.status, h.reason, ${isoTime('h.at')} AS at) step
      WHERE h.order_id = o.id)::json AS history,
    ${isoTime('o.created_at')} AS "createdAt",
    ${isoTime('o.updated_at')} AS "updatedAt"
  ) doc`;

export interface OrderHistoryQuery {
  userId: string;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/**
 * Which version of each of the user's orders is current: a digest of every order's id and the id
 * of the transaction that wrote its row last (`xmin`). Any change the application makes to an order —
 * a new one, a status step with its history row, a refund — writes its row, so a history read
 * with this version is current for as long as this query gives the same answer. It reads the
 * user's order rows through their index and nothing else: ≈ 0.03 ms of PostgreSQL for 24 orders,
 * against ≈ 0.5 ms to write the document. `user` is the SQL expression of the user's id.
 */
const versionOf = (user: string) => `SELECT coalesce(encode(sha256(convert_to(
                     string_agg(v.id || ':' || v.xmin, ',' ORDER BY v.created_at DESC, v.id DESC), 'UTF8')), 'base64'), '')
                   FROM orders v WHERE v.user_id = ${user}`;
const VERSION = versionOf('$1');

/** The version of each user's orders (see versionOf), several users in one statement. */
export async function orderHistoryVersions(
  db: Queryable,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ user_id: string; version: string }>(
    `SELECT u.user_id, (${versionOf('u.user_id')}) AS version FROM unnest($1::text[]) AS u(user_id)`,
    [userIds],
    { prepare: 'order-history-versions' },
  );
  return new Map(rows.map((row) => [row.user_id, row.version]));
}

export interface OrderHistory {
  /** The JSON body of GET /api/orders. */
  json: string;
  /** The version of the orders it shows (orderHistoryVersions), from the same snapshot. */
  version: string;
}

/**
 * The JSON body of GET /api/orders (a plain array without paging, for parity; else the page
 * envelope of lib/pagination.ts) and the version it shows, read in one statement.
 */
export async function readOrderHistory(db: Queryable, query: OrderHistoryQuery): Promise<OrderHistory> {
  const paging = pagingFrom(query);
  const { rows } = await db.query<{ orders: string; total: number; version: string }>(
    `SELECT coalesce('[' || string_agg(page.doc, ',' ORDER BY page.created_at DESC, page.id DESC) || ']', '[]') AS orders,
            ${paging ? '(SELECT count(*)::int FROM orders WHERE user_id = $1)' : 'count(*)::int'} AS total,
            (${VERSION}) AS version
       FROM (SELECT o.id, o.created_at, (${ORDER_DOCUMENT}) AS doc
               FROM orders o WHERE o.user_id = $1
              ORDER BY o.created_at DESC, o.id DESC
              ${paging ? 'LIMIT $2 OFFSET $3' : ''}) page`,
    paging ? [query.userId, paging.limit, paging.offset] : [query.userId],
    // Planning this statement cost PostgreSQL half as much as running it.
    { prepare: paging ? 'order-history-page' : 'order-history' },
  );
  const { orders, total, version } = rows[0]!;
  return { json: paging ? pageEnvelope(orders, total, paging) : orders, version };
}

function pageEnvelope(items: string, total: number, paging: Paging): string {
  const totalPages = Math.ceil(total / paging.pageSize);
  return `{"items":${items},"page":${paging.page},"pageSize":${paging.pageSize},"total":${total},"totalPages":${totalPages}}`;
}

/**
 * The strong ETag of a history page: the version of the orders it shows and the format it is
 * written in (a digest of the statement that writes each order and of the page envelope), so a
 * client holding a page of an older shape after a deploy is sent the new one, not a 304.
 */
export const orderHistoryEtag = versionedEtag(ORDER_DOCUMENT, pageEnvelope.toString());
