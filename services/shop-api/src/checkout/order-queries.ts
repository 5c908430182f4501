import { findOrderVersion, findOrderWithVersion, findOrders, type OrderFilter } from './orders-repository.ts';
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
  return (await getVersionedOrder(db, id, ownerId)).order;
}

/** {@link getOrder} with the ETag of the answer (see {@link orderEtag}). */
export async function getVersionedOrder(
  db: Queryable,
  id: number,
  ownerId: string | undefined,
): Promise<{ order: OrderView; etag: string }> {
  const found = await findOrderWithVersion(db, id);
  if (!found || (ownerId !== undefined && found.order.user_id !== ownerId))
    throw new OrderNotFound(`No order ${id}`);
  return { order: await toOrderView(db, found.order), etag: orderEtag(found.version) };
}

/**
 * The ETag of the order `ownerId` may read under this id, from its version alone (one index read,
 * no items or history); undefined when there is none for them, so no answer tells a stranger
 * anything an unconditional read would not.
 */
export async function currentOrderEtag(
  db: Queryable,
  id: number,
  ownerId: string,
): Promise<string | undefined> {
  const found = await findOrderVersion(db, id);
  return found && found.userId === ownerId ? orderEtag(found.version) : undefined;
}

/** The row's version, and the view's format: the code that builds it and the schema it is sent by. */
export const orderEtag = versionedEtag(orderViewOf.toString(), JSON.stringify(OrderSchema));
