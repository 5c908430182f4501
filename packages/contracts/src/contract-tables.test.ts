import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { renderTable, shapeOf, withContractTables, type Endpoint } from './contract-tables.ts';
import { reserveBodySchema } from './inventory.ts';

test('a shape names scalars, marks optional fields and spells out arrays and literal sets', () => {
  assert.equal(shapeOf(reserveBodySchema), '{ orderId, items: [{ productId, quantity }], ttlSeconds? }');
  const schema = Type.Object({
    status: Type.Union([Type.Literal('held'), Type.Literal('released')]),
    note: Type.Union([Type.String(), Type.Null()]),
  });
  assert.equal(shapeOf(schema), "{ status: 'held' | 'released', note }");
});

const endpoint: Endpoint = {
  method: 'POST',
  path: '/api/things',
  role: 'things:write',
  headers: ['Idempotency-Key'],
  body: Type.Object({ name: Type.String() }),
  answers: [
    { status: 201, body: Type.Object({ id: Type.String(), state: Type.Literal('new') }) },
    { status: 409, code: 'THING_TAKEN', when: 'the name is taken' },
  ],
  notes: 'idempotent',
};

test('a row tells the request, the role and every answer; pipes are escaped for the table', () => {
  const table = renderTable([
    { ...endpoint, answers: [{ status: 200, body: Type.Union([Type.Literal('a'), Type.Literal('b')]) }] },
  ]);
  assert.match(table, /\| 200 `'a' \\\| 'b'`; idempotent \|$/);
  assert.equal(
    renderTable([endpoint]).split('\n')[2],
    "| `POST /api/things` + `Idempotency-Key` header `{ name }` | `things:write` | 201 `{ id, state: 'new' }`; 409 `THING_TAKEN` (the name is taken); idempotent |",
  );
});

test('a document gets its tables between their markers, and a changed schema changes the document', () => {
  const document =
    'intro\n<!-- contract-table:things:start -->\nstale\n<!-- contract-table:things:end -->\nrest\n';
  const rendered = withContractTables(document, { things: [endpoint] });
  assert.equal(
    withContractTables(rendered, { things: [endpoint] }),
    rendered,
    'rendering twice changes nothing',
  );
  assert.doesNotMatch(rendered, /stale/);
  const changed = {
    ...endpoint,
    body: Type.Object({ name: Type.String(), colour: Type.Optional(Type.String()) }),
  };
  assert.notEqual(withContractTables(rendered, { things: [changed] }), rendered);
});

test('a section without its markers is an error, not a table left to drift', () => {
  assert.throws(() => withContractTables('no markers here', { things: [endpoint] }), /"things"/);
});
