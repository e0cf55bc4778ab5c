// What the interop tests share: the stack's endpoints, the demo app's client schema, a
// connector that uploads through upload-api, and waits on the client's local tables.
//
// Run by system-tests' StockClientInteropIT, which starts the stack and passes (one user per
// test file): SYNC_URL, UPLOAD_API_URL, RELAY_DEV_TOKEN (the names `./relay env` prints), and
// RELAY_SERVER_SQL_URL (the backend's own writes to PostgreSQL) and RELAY_CLIENT_DIR (where
// the client databases and SDK logs stay for diagnosis).
import { PowerSyncDatabase, Schema, Table, column, LogLevels } from '@powersync/node';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these tests through system-tests' StockClientInteropIT`);
  }
  return value;
}

export const SYNC_URL = required('SYNC_URL');
export const UPLOAD_API_URL = required('UPLOAD_API_URL');
export const SERVER_SQL_URL = required('RELAY_SERVER_SQL_URL');
export const TOKEN = required('RELAY_DEV_TOKEN');
export const CLIENT_DIR = required('RELAY_CLIENT_DIR');
/** The token's subject: the user the sync rules give buckets to and upload-api writes for. */
export const USER_ID = JSON.parse(Buffer.from(TOKEN.split('.')[1], 'base64url').toString()).sub;

/** Generous for a busy two-core machine; a healthy stack answers in well under a second. */
export const WAIT_MS = 45_000;

/** The client side of deploy/demo (app-schema.yaml): what a todo-list app declares. */
export const schema = new Schema({
  lists: new Table({ created_at: column.text, name: column.text, owner_id: column.text }),
  todos: new Table({
    created_at: column.text,
    completed_at: column.text,
    description: column.text,
    completed: column.integer,
    created_by: column.text,
    completed_by: column.text,
    list_id: column.text
  })
});

/**
 * A client database under RELAY_CLIENT_DIR, its SDK log (debug level) beside it, warnings and
 * errors also on the console. The same `name` opens the same database again (an app restart).
 * `syncRequests`, when given, collects the body of every sync stream request the SDK sends.
 */
export function openDatabase(name, { syncRequests } = {}) {
  fs.mkdirSync(CLIENT_DIR, { recursive: true });
  const log = fs.createWriteStream(path.join(CLIENT_DIR, `${name}.sdk.log`), { flags: 'a' });
  const logger = {
    log({ level, message, error }) {
      const line = `${new Date().toISOString()} [${level}] ${message}${error ? ` | ${error?.stack ?? error}` : ''}`;
      log.write(`${line}\n`);
      if (level >= LogLevels.warn) {
        console.log(`SDK ${name}: ${line}`);
      }
    }
  };
  const customFetch = (resource, init) => {
    if (syncRequests && String(resource.url ?? resource).endsWith('/sync/stream') && typeof init?.body === 'string') {
      syncRequests.push(JSON.parse(init.body));
    }
    return fetch(resource, init);
  };
  return new PowerSyncDatabase({
    schema, logger, database: { dbFilename: `${name}.db`, dbLocation: CLIENT_DIR }, remoteOptions: { customFetch }
  });
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}

/**
 * A backend connector as an app would write it for Checkpoint Relay: uploadData posts each CRUD
 * batch to upload-api, `{client_id, batch}`. With `checkpointRequests` it also implements
 * postCheckpointRequest (for `checkpointMode: 'requests'`), posting `{client_id,
 * checkpoint_request_id}` to upload-api's /api/checkpoint-request; without it the SDK asks sync-bridge's
 * /write-checkpoint2.json (legacy mode).
 *
 * It records what it posted (`uploads`, `checkpointRequests`) and can hold uploads back
 * (`holdUploads()` returns the release) so a test can keep writes pending.
 */
export function relayConnector({ checkpointRequests }) {
  let gate = Promise.resolve();
  const connector = {
    uploads: [],
    checkpointRequests: [],
    holdUploads() {
      let release;
      gate = new Promise((resolve) => { release = resolve; });
      return () => release();
    },
    async fetchCredentials() {
      return { endpoint: SYNC_URL, token: TOKEN };
    },
    async uploadData(database) {
      await gate;
      const batch = await database.getCrudBatch(100);
      if (!batch) {
        return;
      }
      const body = { client_id: await database.getClientId(), batch: batch.crud.map((entry) => entry.toJSON()) };
      const answer = await postJson(`${UPLOAD_API_URL}/api/data`, body);
      connector.uploads.push({ body, answer });
      await batch.complete();
    }
  };
  if (checkpointRequests) {
    connector.postCheckpointRequest = async (clientId, requestId) => {
      const answer = await postJson(`${UPLOAD_API_URL}/api/checkpoint-request`,
        { client_id: clientId, checkpoint_request_id: requestId });
      connector.checkpointRequests.push({ clientId, requestId, answer });
      return answer.data.checkpoint_request_id;
    };
  }
  return connector;
}

/** The backend writing to its own database directly (not through the client), one statement. */
export async function serverSql(sql, ...params) {
  const response = await fetch(SERVER_SQL_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sql, params })
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`server SQL failed (${response.status}): ${text}\n  ${sql}`);
  }
  return JSON.parse(text);
}

/** A list and its todos, inserted on the server for `owner`. Returns their ids. */
export async function serverTodoList(owner, name, descriptions) {
  const list = randomUUID();
  await serverSql('INSERT INTO lists (id, name, owner_id) VALUES (?, ?, ?)', list, name, owner);
  const todos = [];
  for (const description of descriptions) {
    const todo = randomUUID();
    await serverSql('INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)',
      todo, description, owner, list);
    todos.push(todo);
  }
  return { list, todos };
}

/**
 * Resolves with the rows of `sql` on the client's local database once `accept(rows)` holds;
 * fails after `ms` showing the last rows seen. Polls: db.watch does not fire for the SDK's
 * internal tables (ps_oplog, ps_crud), which some tests wait on too.
 */
export async function waitForRows(db, what, sql, params, accept, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  let rows;
  while (true) {
    rows = await db.getAll(sql, params);
    if (accept(rows)) {
      return rows;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}; last rows: ${JSON.stringify(rows)}; `
        + `sync status: ${statusLine(db.currentStatus)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Rounds of: uploads held, the client changes the todo's description, the server changes its
 * `completed`, the client downloads that change, uploads go on. Until the upload is covered by a
 * checkpoint the client must keep showing its own description; then it shows the server's merge
 * of both. Any state in between without the client's description means it applied a checkpoint
 * that does not contain its own upload (its write checkpoint came too early).
 */
export async function assertPendingWritesKept(db, connector, todo, rounds) {
  const row = 'SELECT description, completed FROM todos WHERE id = ?';
  let completed = (await db.get(row, [todo])).completed;
  for (let round = 1; round <= rounds; round++) {
    const description = `local write ${round}`;
    const before = completed;
    completed = 1 - completed;
    const release = connector.holdUploads();
    try {
      await db.execute('UPDATE todos SET description = ? WHERE id = ?', [description, todo]);
      await serverSql('UPDATE todos SET completed = ? WHERE id = ?', completed === 1, todo);
      await waitForRows(db, `round ${round}: the server's change downloaded`,
        "SELECT data FROM ps_oplog WHERE row_type = 'todos' AND row_id = ?", [todo],
        (rows) => rows.length === 1 && JSON.parse(rows[0].data).completed === completed);
      assert.deepEqual(await db.get(row, [todo]), { description, completed: before },
        `round ${round}: the pending write stays as it is, the server's change waits`);
    } finally {
      release();
    }
    await waitForRows(db, `round ${round}: the server's merge of both changes`, row, [todo], ([current]) => {
      assert.equal(current.description, description,
        `round ${round}: the client applied a checkpoint without its own upload: ${JSON.stringify(current)}`);
      return current.completed === completed;
    });
  }
}

/** The sync status in one line, with its errors, for failure messages. */
export function statusLine(status) {
  const errors = [status.downloadError && `download error: ${status.downloadError.message ?? status.downloadError}`,
    status.uploadError && `upload error: ${status.uploadError.message ?? status.uploadError}`].filter(Boolean);
  return [status.getMessage(), ...errors].join('; ');
}

/** db.waitForFirstSync with a deadline. */
export async function firstSync(db, ms = WAIT_MS) {
  await db.waitForFirstSync(AbortSignal.timeout(ms));
  if (!db.currentStatus.hasSynced) {
    throw new Error(`No first sync within ${ms} ms; sync status: ${statusLine(db.currentStatus)}`);
  }
}

/** Disconnects and closes, so the test process can end. */
export async function closeDatabase(db) {
  await db.disconnect().catch(() => {});
  await db.close().catch(() => {});
}
