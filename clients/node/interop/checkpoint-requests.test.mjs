// c) checkpointMode 'requests' with the connector's postCheckpointRequest going to upload-api:
// the client keeps showing its pending write while newer server data arrives, and applies the
// server's state only with the checkpoint that covers its own upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { USER_ID, assertPendingWritesKept, closeDatabase, firstSync, openDatabase, relayConnector, serverTodoList } from './relay.mjs';

test('requests mode: a pending write is kept until the checkpoint covering its upload, which brings the server\'s merge',
  { timeout: 120_000 }, async () => {
    const { todos: [todo] } = await serverTodoList(USER_ID, 'Errands', ['Post office']);
    const db = openDatabase('checkpoint-requests');
    const connector = relayConnector({ checkpointRequests: true });
    try {
      await db.connect(connector, { checkpointMode: 'requests' });
      await firstSync(db);

      await assertPendingWritesKept(db, connector, todo, 5);
      assert.equal((await db.getUploadQueueStats()).count, 0);
      assert.equal(connector.uploads.length, 5);

      // postCheckpointRequest(clientId, requestId): this client, decimal ids, answered as strings by
      // upload-api; one to seed the counter on connect, then a greater one after each upload.
      const clientId = await db.getClientId();
      for (const { clientId: posted, requestId, answer } of connector.checkpointRequests) {
        assert.equal(posted, clientId);
        assert.match(requestId, /^[1-9][0-9]*$/);
        assert.equal(answer.data.checkpoint_request_id, requestId);
      }
      const distinct = [...new Set(connector.checkpointRequests.map((r) => BigInt(r.requestId)))];
      assert.ok(distinct.length >= 6 && distinct.every((id, i) => i === 0 || id > distinct[i - 1]),
        `increasing ids, one per upload after the seed: ${distinct.join(', ')}`);
      assert.equal(db.currentStatus.downloadError, undefined);
      assert.equal(db.currentStatus.uploadError, undefined);
    } finally {
      await closeDatabase(db);
    }
  });
