// d) Legacy mode (no checkpointMode, the SDK's default): uploadData posts to upload-api, then the
// SDK itself asks sync-bridge for a write checkpoint (GET /write-checkpoint2.json) and applies
// the server's state once a checkpoint carries it. The same guarantees as in requests mode: the
// client never applies a checkpoint that lacks its own upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  USER_ID, assertPendingWritesKept, closeDatabase, firstSync, openDatabase, relayConnector, waitForRows
} from './relay.mjs';

// The stack runs sync-bridge with relay.checkpoints.managed-fulfilment=upload-queue: the GET is
// queued behind the client's uploads, so the write checkpoint cannot overtake them.
test('legacy mode: local writes come back with the write checkpoint sync-bridge hands out, never before', { timeout: 120_000 }, async () => {
  const db = openDatabase('legacy');
  const connector = relayConnector({ checkpointRequests: false });
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
      (rows) => {
        assert.equal(rows.length, 1, 'the client applied a checkpoint without its own insert');
        return rows[0].created_at !== null;
      });
    assert.equal(synced.description, 'Return');
    assert.equal(synced.completed, 0, 'completed defaulted to false on the server');
    assert.equal(connector.uploads.length, 1);
    assert.equal((await db.getUploadQueueStats()).count, 0);

    await assertPendingWritesKept(db, connector, todo, 5);
    assert.equal(db.currentStatus.uploadError, undefined);
    assert.equal(db.currentStatus.downloadError, undefined);
  } finally {
    await closeDatabase(db);
  }
});
