// b) A local write goes the whole way: uploadData posts the SDK's CRUD batch to upload-api, Kafka,
// write-applier writes PostgreSQL, sync-bridge replicates it, and the client applies the checkpoint
// that covers it and shows the server's row (with the columns PostgreSQL filled in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { USER_ID, closeDatabase, firstSync, openDatabase, relayConnector, serverSql, waitForRows } from './relay.mjs';

const OPTIONS = { checkpointMode: 'requests' };

test('a local insert comes back as the server\'s row and leaves the upload queue empty', { timeout: 120_000 }, async () => {
  const db = openDatabase('upload-insert');
  const connector = relayConnector({ checkpointRequests: true });
  try {
    await db.connect(connector, OPTIONS);
    await firstSync(db);

    const list = randomUUID();
    const todo = randomUUID();
    // created_at and completed left to the server: PostgreSQL's defaults (now(), false) fill them.
    await db.writeTransaction(async (tx) => {
      await tx.execute('INSERT INTO lists (id, name, owner_id) VALUES (?, ?, ?)', [list, 'Hardware', USER_ID]);
      await tx.execute('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', [todo, 'Nails', USER_ID, list]);
    });
    assert.deepEqual(await db.getAll('SELECT created_at, completed FROM todos WHERE id = ?', [todo]),
      [{ created_at: null, completed: null }], 'before the round trip the row is only the local write');

    const [synced] = await waitForRows(db, 'the server\'s copy of the todo', 'SELECT * FROM todos WHERE id = ?', [todo],
      (rows) => {
        assert.equal(rows.length, 1, 'the client applied a checkpoint without its own insert');
        return rows[0].created_at !== null;
      });
    assert.equal(synced.description, 'Nails');
    assert.equal(synced.completed, 0, 'completed defaulted to false on the server');
    assert.ok(!Number.isNaN(Date.parse(synced.created_at)), `created_at from the server, got ${synced.created_at}`);
    const [listRow] = await db.getAll('SELECT name, owner_id, created_at FROM lists WHERE id = ?', [list]);
    assert.equal(listRow.name, 'Hardware');
    assert.notEqual(listRow.created_at, null);

    // The server has exactly what the client shows.
    const { rows: [server] } = await serverSql(
      'SELECT description, completed::text, floor(extract(epoch FROM created_at) * 1000)::text AS created_ms FROM todos WHERE id = ?', todo);
    assert.deepEqual(server, { description: 'Nails', completed: 'false', created_ms: String(Date.parse(synced.created_at)) });

    // What went over the wire: one upload with the SDK's CRUD entries, keyed by this client.
    assert.equal(connector.uploads.length, 1);
    const [{ body, answer }] = connector.uploads;
    assert.equal(body.client_id, await db.getClientId());
    assert.deepEqual(body.batch.map((e) => [e.op, e.type, e.id]), [['PUT', 'lists', list], ['PUT', 'todos', todo]]);
    assert.equal(body.batch[1].data.created_at, undefined, 'the SDK leaves null columns out of PUT data');
    assert.equal(answer.data.entries, 2);

    assert.equal((await db.getUploadQueueStats()).count, 0);
    assert.equal(db.currentStatus.uploadError, undefined);
    assert.equal(db.currentStatus.downloadError, undefined);
  } finally {
    await closeDatabase(db);
  }
});

test('a local update and delete reach the server and the user\'s other device', { timeout: 120_000 }, async () => {
  const phone = openDatabase('upload-phone');
  const laptop = openDatabase('upload-laptop');
  try {
    for (const db of [phone, laptop]) {
      await db.connect(relayConnector({ checkpointRequests: true }), OPTIONS);
      await firstSync(db);
    }
    const list = randomUUID();
    const [keep, drop] = [randomUUID(), randomUUID()];
    await phone.writeTransaction(async (tx) => {
      await tx.execute('INSERT INTO lists (id, name, owner_id) VALUES (?, ?, ?)', [list, 'Garden', USER_ID]);
      await tx.execute('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', [keep, 'Mow', USER_ID, list]);
      await tx.execute('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', [drop, 'Weed', USER_ID, list]);
    });
    const query = 'SELECT id, description, completed, completed_by FROM todos WHERE list_id = ? ORDER BY description';
    await waitForRows(laptop, 'the phone\'s todos on the laptop', query, [list], (rows) => rows.length === 2);

    await phone.execute('UPDATE todos SET completed = 1, completed_at = ?, completed_by = ? WHERE id = ?',
      [new Date().toISOString(), USER_ID, keep]);
    await phone.execute('DELETE FROM todos WHERE id = ?', [drop]);

    const expected = [{ id: keep, description: 'Mow', completed: 1, completed_by: USER_ID }];
    assert.deepEqual(await waitForRows(laptop, 'the update and the delete on the laptop', query, [list],
      (rows) => rows.length === 1 && rows[0].completed === 1), expected);
    await waitForRows(phone, 'the phone\'s upload queue drained', 'SELECT count(*) AS n FROM ps_crud', [], ([{ n }]) => n === 0);
    assert.deepEqual(await phone.getAll(query, [list]), expected);
  } finally {
    await closeDatabase(phone);
    await closeDatabase(laptop);
  }
});
