// e) Reconnect resumes: the app goes away (disconnect, database closed), the server changes,
// the app opens the same database and connects again. Its data was there all along, it asks to
// resume from the ops it holds, and only the change arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { USER_ID, closeDatabase, firstSync, openDatabase, relayConnector, serverSql, serverTodoList, waitForRows } from './relay.mjs';

const TODOS = 'SELECT id, description, completed, created_at FROM todos ORDER BY description';

test('after a reconnect only the server\'s changes arrive and the local data stays intact', { timeout: 120_000 }, async () => {
  const { list, todos: [walk, feed, groom] } = await serverTodoList(USER_ID, 'Dog', ['Walk', 'Feed', 'Groom']);
  const options = { checkpointMode: 'requests' };

  const first = openDatabase('reconnect');
  let before;
  let positions;
  try {
    await first.connect(relayConnector({ checkpointRequests: true }), options);
    await firstSync(first);
    before = await first.getAll(TODOS);
    assert.deepEqual(before.map((r) => r.description), ['Feed', 'Groom', 'Walk']);
    positions = await first.getAll("SELECT name, last_op FROM ps_buckets WHERE name != '$local'");
    assert.ok(positions.length > 0 && positions.every((b) => b.last_op > 0), `buckets held: ${JSON.stringify(positions)}`);
    await first.disconnect();
  } finally {
    await closeDatabase(first);
  }

  // While the app is away: one insert, one update, one delete.
  const bathe = randomUUID();
  await serverSql('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', bathe, 'Bathe', USER_ID, list);
  await serverSql('UPDATE todos SET completed = true WHERE id = ?', walk);
  await serverSql('DELETE FROM todos WHERE id = ?', groom);

  const syncRequests = [];
  const again = openDatabase('reconnect', { syncRequests });
  const downloaded = [];
  try {
    assert.deepEqual(await again.getAll(TODOS), before, 'offline, the reopened database holds what was synced');
    again.registerListener({
      statusChanged(status) {
        if (status.downloadProgress) {
          downloaded.push(status.downloadProgress.downloadedOperations);
        }
      }
    });
    await again.connect(relayConnector({ checkpointRequests: true }), options);
    const after = await waitForRows(again, 'the three server changes', TODOS, [],
      (rows) => rows.length === 3 && rows.some((r) => r.id === bathe) && rows.find((r) => r.id === walk)?.completed === 1);

    assert.deepEqual(after.map(({ id, description, completed }) => ({ id, description, completed })), [
      { id: bathe, description: 'Bathe', completed: 0 },
      { id: feed, description: 'Feed', completed: 0 },
      { id: walk, description: 'Walk', completed: 1 }
    ]);
    const unchanged = (id) => after.find((r) => r.id === id);
    assert.deepEqual(unchanged(feed), before.find((r) => r.id === feed), 'the untouched row is as it was');

    // The client resumed from the ops it held, and the server sent only the new ones.
    const resumed = Object.fromEntries(syncRequests[0].buckets.map((b) => [b.name, b.after]));
    for (const { name, last_op } of positions) {
      assert.equal(resumed[name], String(last_op), `resumes ${name} after op ${last_op}`);
    }
    assert.ok(downloaded.every((n) => n <= 3), `only the 3 changed ops downloaded, progress seen: ${downloaded.join(', ')}`);
    assert.equal(again.currentStatus.downloadError, undefined);
  } finally {
    await closeDatabase(again);
  }
});
