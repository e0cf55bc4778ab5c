// f) db.requestCheckpoint() then waitForSync(): once it resolves, everything the server had
// committed before the request is in the local tables (an explicit "refresh").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { USER_ID, WAIT_MS, closeDatabase, firstSync, openDatabase, relayConnector, serverSql, serverTodoList } from './relay.mjs';

test('after requestCheckpoint().waitForSync() the server\'s earlier changes are local', { timeout: 120_000 }, async () => {
  const { list } = await serverTodoList(USER_ID, 'Kitchen', ['Dishes']);
  const db = openDatabase('request-checkpoint');
  const connector = relayConnector({ checkpointRequests: true });
  try {
    await db.connect(connector, { checkpointMode: 'requests' });
    await firstSync(db);

    for (let round = 1; round <= 3; round++) {
      const todo = randomUUID();
      await serverSql('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)', todo, `Round ${round}`, USER_ID, list);
      const requestsBefore = connector.checkpointRequests.length;

      const request = await db.requestCheckpoint();
      await request.waitForSync({ signal: AbortSignal.timeout(WAIT_MS) });

      assert.equal(request.hasSynced, true);
      assert.deepEqual(await db.getAll('SELECT description FROM todos WHERE id = ?', [todo]), [{ description: `Round ${round}` }],
        'no waiting: the row is there when waitForSync resolves');
      assert.ok(connector.checkpointRequests.length > requestsBefore, 'the request went through the connector\'s postCheckpointRequest');
    }
    assert.equal(db.currentStatus.downloadError, undefined);
  } finally {
    await closeDatabase(db);
  }
});
