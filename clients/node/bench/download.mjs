// Times the stock PowerSync client's initial download: a fresh database connects to a sync
// service and waits for its first complete sync. Prints one JSON line with the result.
//
//   node bench/download.mjs --url http://127.0.0.1:8080 --token <jwt> --dir <dir> --db <file> --rows 100000
//
// Run by './relay bench download'; diagnostics go to stderr.
import { PowerSyncDatabase, Schema, Table, column, LogLevels } from '@powersync/node';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    dir: { type: 'string' },
    db: { type: 'string' },
    rows: { type: 'string' },
    timeout: { type: 'string', default: '600' }
  }
});
for (const required of ['url', 'token', 'dir', 'db', 'rows']) {
  if (!args[required]) throw new Error(`--${required} is required`);
}

// The benchmark tables (benchmarks/src/main/resources/bench/schema.sql); id is implicit.
const schema = new Schema({
  items: new Table({ owner_id: column.text, description: column.text, qty: column.integer }),
  notices: new Table({ body: column.text })
});

// Warnings and errors of the SDK go to stderr; a failing sync shows up there.
const logger = {
  log(record) {
    if (record.level >= LogLevels.warn) {
      console.error(`[sdk ${record.level}] ${record.message}${record.error ? ` | ${record.error?.stack ?? record.error}` : ''}`);
    }
  }
};

let format = 'unknown';
// Only notes the answer's format; the response itself is handed back untouched.
async function customFetch(resource, init) {
  const response = await fetch(resource, init);
  const type = response.headers.get('content-type') ?? '';
  if (String(resource.url ?? resource).endsWith('/sync/stream')) {
    format = type.startsWith('application/vnd.powersync.bson-stream') ? 'BSON' : 'NDJSON';
  }
  return response;
}

for (const suffix of ['', '-wal', '-shm']) {
  fs.rmSync(path.join(args.dir, args.db + suffix), { force: true });
}
const db = new PowerSyncDatabase({
  schema,
  database: { dbFilename: args.db, dbLocation: args.dir },
  logger,
  remoteOptions: { customFetch }
});
const connector = {
  async fetchCredentials() {
    return { endpoint: args.url, token: args.token };
  },
  async uploadData() {}
};

let exitCode = 0;
try {
  await db.init();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Number(args.timeout) * 1000);
  const started = performance.now();
  await db.connect(connector);
  await db.waitForFirstSync(abort.signal);
  const millis = performance.now() - started;
  clearTimeout(timer);
  const { n } = await db.get('SELECT count(*) AS n FROM items');
  const expected = Number(args.rows);
  console.error(`synced ${n} rows in ${millis.toFixed(0)} ms (${format})`);
  console.log(JSON.stringify({ rows: n, millis, opsPerSecond: (expected / millis) * 1000, format }));
} catch (e) {
  console.error('download failed:', e?.stack ?? e);
  exitCode = 1;
} finally {
  await db.disconnect().catch(() => {});
  await db.close().catch(() => {});
}
process.exit(exitCode);
