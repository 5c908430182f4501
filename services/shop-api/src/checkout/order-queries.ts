import { findOrderWithVersion, findOrders, type OrderFilter } from './orders-repository.ts';
import { orderViewOf, toOrderView, toOrderViews } from './order-view.ts';
import { OrderSchema } from './schemas.ts';
import { OrderNotFound } from '../errors.ts';
import { versionedEtag } from '../lib/versioned-etag.ts';
import { pagingFrom, toPage, type Page } from '../lib/pagination.ts';
import type { Queryable } from '../lib/db.ts';
import type { OrderStatus, OrderView } from './schemas.ts';

/** The reading side of orders, for the orders and admin capabilities. */
export interface OrderQuery {
  userId?: string | undefined;
  status?: OrderStatus | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export async function listOrders(db: Queryable, query: OrderQuery): Promise<OrderView[] | Page<OrderView>> {
  const paging = pagingFrom(query);
  const filter: OrderFilter = {
    userId: query.userId,
    status: query.status,
    limit: paging?.limit,
    offset: paging?.offset,
  };
  const { rows, total } = await findOrders(db, filter);
  const views = await toOrderViews(db, rows);
  return paging ? toPage(views, total, paging) : views;
}

/**
 * One order, only if `ownerId` owns it (or any order when ownerId is undefined: admin). Another
 * user's order is "not found", never "forbidden": ids must not reveal which orders exist.
 */
export async function getOrder(db: Queryable, id: number, ownerId: string | undefined): Promise<OrderView> {
  return (await readableOrder(db, id, ownerId)).view();
}

/**
 * The order `ownerId` may read (any order when undefined), by its row alone: its ETag (see
 * {@link orderEtag}), and its view, whose items and history are read only when asked for, so a
 * conditional read that matches costs one index read. Not found for anyone else, conditional or not.
 */
export async function readableOrder(
  db: Queryable,
  id: number,
  ownerId: string | undefined,
): Promise<{ etag: string; view: () => Promise<OrderView> }> {
  const found = await findOrderWithVersion(db, id);
  if (!found || (ownerId !== undefined && found.order.user_id !== ownerId))
    throw new OrderNotFound(`No order ${id}`);
  return { etag: orderEtag(found.version), view: () => toOrderView(db, found.order) };
}

/** The row's version, and the view's format: the code that builds it and the schema it is sent by. */
const orderEtag = versionedEtag(orderViewOf.toString(), JSON.stringify(OrderSchema));
