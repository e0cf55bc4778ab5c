// d) Legacy mode (no checkpointMode, the SDK's default): uploadData posts to upload-api, then the
// SDK itself asks sync-bridge for a write checkpoint (GET /write-checkpoint2.json) and applies
// the server's state once a checkpoint carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SYNC_URL, TOKEN, USER_ID, closeDatabase, firstSync, openDatabase, relayConnector, serverSql, waitForRows } from './relay.mjs';

// Managed write checkpoints are being added to sync-bridge (branch managed-checkpoints). Until
// it serves them, this scenario reports itself skipped instead of failing the build.
// TODO once merged: remove this probe, so a missing endpoint fails the test.
const probe = await fetch(`${SYNC_URL}/write-checkpoint2.json?client_id=${randomUUID()}`, { headers: { Authorization: `Token ${TOKEN}` } });
const skip = probe.status === 404 ? 'sync-bridge does not serve GET /write-checkpoint2.json yet' : false;

test('legacy mode: a local write comes back through the write checkpoint sync-bridge hands out', { timeout: 120_000, skip }, async () => {
  const db = openDatabase('legacy');
  const connector = relayConnector({ checkpointRequests: false });
  let release;
  try {
    await db.connect(connector);
    await firstSync(db);

    const list = randomUUID();
    const todo = randomUUID();
    await db.writeTransaction(async (tx) => {
      await tx.execute('INSERT INTO lists (id, name, owner_id) VALUES (?, ?, ?)', [list, 'Books', USER_ID]);
      await tx.execute('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', [todo, 'Return', USER_ID, list]);
    });
    const [synced] = await waitForRows(db, 'the server\'s copy of the todo', 'SELECT * FROM todos WHERE id = ?', [todo],
      (rows) => rows.length === 1 && rows[0].created_at !== null);
    assert.equal(synced.description, 'Return');
    assert.equal(synced.completed, 0, 'completed defaulted to false on the server');
    assert.equal(connector.uploads.length, 1);
    assert.equal((await db.getUploadQueueStats()).count, 0);

    // A second write after a server change to the same row: the client keeps its own value
    // until the write checkpoint after its upload arrives, then shows the server's merge.
    release = connector.holdUploads();
    await db.execute('UPDATE todos SET description = ? WHERE id = ?', ['Return, pay fine', todo]);
    await serverSql('UPDATE todos SET completed = true WHERE id = ?', todo);
    await waitForRows(db, 'the server\'s change downloaded', "SELECT data FROM ps_oplog WHERE row_type = 'todos' AND row_id = ?", [todo],
      (rows) => rows.length === 1 && JSON.parse(rows[0].data).completed === 1);
    assert.deepEqual(await db.getAll('SELECT description, completed FROM todos WHERE id = ?', [todo]),
      [{ description: 'Return, pay fine', completed: 0 }]);
    release();
    const [merged] = await waitForRows(db, 'the merged server row', 'SELECT description, completed FROM todos WHERE id = ?', [todo],
      (rows) => rows[0]?.completed === 1);
    assert.deepEqual(merged, { description: 'Return, pay fine', completed: 1 });
    assert.equal(db.currentStatus.uploadError, undefined);
    assert.equal(db.currentStatus.downloadError, undefined);
  } finally {
    release?.(); // a held upload would keep disconnect() waiting
    await closeDatabase(db);
  }
});
