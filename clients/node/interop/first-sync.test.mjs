// a) First sync: what the server holds for the user lands in the stock client's local tables,
// nothing of other users, and later server changes follow while connected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { USER_ID, closeDatabase, firstSync, openDatabase, relayConnector, serverSql, serverTodoList, waitForRows } from './relay.mjs';

test('the first sync brings the user\'s server rows into the local tables, and only those', { timeout: 120_000 }, async () => {
  const groceries = await serverTodoList(USER_ID, 'Groceries', ['Milk', 'Bread', 'Eggs']);
  await serverSql('UPDATE todos SET completed = true, completed_by = ? WHERE id = ?', USER_ID, groceries.todos[1]);
  const otherUser = `other-${randomUUID()}`;
  const notMine = await serverTodoList(otherUser, 'Not mine', ['Secret']);

  const db = openDatabase('first-sync');
  try {
    await db.connect(relayConnector({ checkpointRequests: true }), { checkpointMode: 'requests' });
    await firstSync(db);

    assert.deepEqual(await db.getAll('SELECT id, name, owner_id FROM lists'),
      [{ id: groceries.list, name: 'Groceries', owner_id: USER_ID }]);
    const todos = await db.getAll('SELECT id, description, completed, completed_by, created_by, list_id, created_at FROM todos ORDER BY description');
    assert.deepEqual(todos.map(({ created_at, ...rest }) => rest), [
      { id: groceries.todos[1], description: 'Bread', completed: 1, completed_by: USER_ID, created_by: USER_ID, list_id: groceries.list },
      { id: groceries.todos[2], description: 'Eggs', completed: 0, completed_by: null, created_by: USER_ID, list_id: groceries.list },
      { id: groceries.todos[0], description: 'Milk', completed: 0, completed_by: null, created_by: USER_ID, list_id: groceries.list }
    ]);
    for (const { created_at } of todos) {
      assert.ok(!Number.isNaN(Date.parse(created_at)), `created_at is the server's default timestamp, got ${created_at}`);
    }
    assert.equal((await db.getAll('SELECT id FROM todos WHERE id = ?', [notMine.todos[0]])).length, 0);

    // Connected: a server change arrives by itself, nothing else changes.
    const butter = randomUUID();
    await serverSql('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', butter, 'Butter', USER_ID, groceries.list);
    await serverSql('DELETE FROM todos WHERE id = ?', groceries.todos[2]);
    const after = await waitForRows(db, 'Butter added and Eggs removed', 'SELECT id, description FROM todos ORDER BY description', [],
      (rows) => rows.length === 3 && rows.some((r) => r.id === butter));
    assert.deepEqual(after.map((r) => r.description), ['Bread', 'Butter', 'Milk']);
    assert.equal(db.currentStatus.downloadError, undefined);
  } finally {
    await closeDatabase(db);
  }
});
