// c) checkpointMode 'requests' with the connector's postCheckpointRequest going to upload-api:
// the client keeps showing its pending write while newer server data arrives, and applies the
// server's state only with the checkpoint that covers its own upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { USER_ID, closeDatabase, firstSync, openDatabase, relayConnector, serverSql, serverTodoList, waitForRows } from './relay.mjs';

test('a pending local write is not overwritten by server data, and the checkpoint covering its upload brings the server\'s row',
  { timeout: 120_000 }, async () => {
    const { todos: [todo] } = await serverTodoList(USER_ID, 'Errands', ['Post office']);
    const db = openDatabase('checkpoint-requests');
    const connector = relayConnector({ checkpointRequests: true });
    let release;
    try {
      await db.connect(connector, { checkpointMode: 'requests' });
      await firstSync(db);
      const clientId = await db.getClientId();

      release = connector.holdUploads();
      await db.execute('UPDATE todos SET description = ? WHERE id = ?', ['Post office, parcel', todo]);

      // Meanwhile the server changes another column of the same row.
      await serverSql('UPDATE todos SET completed = true WHERE id = ?', todo);
      // The client downloads that change (its oplog holds it) but must not apply it over its pending
      // write. Should it apply it later while the upload is held, the merged-row check below sees it.
      await waitForRows(db, 'the server\'s change downloaded', "SELECT data FROM ps_oplog WHERE row_type = 'todos' AND row_id = ?", [todo],
        (rows) => rows.length === 1 && JSON.parse(rows[0].data).completed === 1);
      assert.deepEqual(await db.getAll('SELECT description, completed FROM todos WHERE id = ?', [todo]),
        [{ description: 'Post office, parcel', completed: 0 }], 'the local write stays as it is until its upload is covered');

      const requestsBeforeUpload = connector.checkpointRequests.length;
      release();
      // The server merged the client's PATCH (description) with its own change (completed).
      const [merged] = await waitForRows(db, 'the merged server row', 'SELECT description, completed FROM todos WHERE id = ?', [todo],
        (rows) => rows[0]?.completed === 1);
      assert.deepEqual(merged, { description: 'Post office, parcel', completed: 1 });
      assert.equal((await db.getUploadQueueStats()).count, 0);

      // postCheckpointRequest(clientId, requestId): this client, decimal ids, answered as strings by upload-api.
      const after = connector.checkpointRequests.slice(requestsBeforeUpload);
      assert.ok(after.length >= 1, 'the SDK asks for a checkpoint after the upload');
      for (const { clientId: posted, requestId, answer } of connector.checkpointRequests) {
        assert.equal(posted, clientId);
        assert.match(requestId, /^[1-9][0-9]*$/);
        assert.equal(answer.data.checkpoint_request_id, requestId);
      }
      // One to seed the counter on connect, a greater one after the upload.
      const ids = connector.checkpointRequests.map((r) => BigInt(r.requestId));
      assert.ok(ids.length >= 2 && ids.at(-1) > ids[0], `the request after the upload has a greater id: ${ids.join(', ')}`);
      assert.equal(db.currentStatus.downloadError, undefined);
      assert.equal(db.currentStatus.uploadError, undefined);
    } finally {
      release?.(); // a held upload would keep disconnect() waiting
      await closeDatabase(db);
    }
  });
