// A sync service that costs nothing: answers every POST /sync/stream with the same recorded
// lines from memory (and keeps the stream open), so a client's download speed against it is
// that client's own ceiling. Prints {"port": N} on stdout once listening.
//
//   node bench/replay-server.mjs --file capture.ndjson --format ndjson|bson
//
// A recorded NDJSON answer is re-encoded as BSON documents for --format bson.
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const NDJSON = 'application/x-ndjson';
const BSON = 'application/vnd.powersync.bson-stream';

const { values: args } = parseArgs({
  options: { file: { type: 'string' }, format: { type: 'string', default: 'ndjson' } }
});
if (!args.file) throw new Error('--file is required');
const recorded = fs.readFileSync(args.file);
const recordedIsBson = args.file.endsWith('.bson');
let body;
if (args.format === 'bson') {
  body = recordedIsBson ? recorded : Buffer.concat(recorded.toString('utf8').split('\n').filter((l) => l.trim())
    .map((line) => bsonDocument(JSON.parse(line))));
} else if (args.format === 'ndjson') {
  if (recordedIsBson) throw new Error('cannot replay a BSON recording as NDJSON');
  body = recorded;
} else {
  throw new Error(`unknown --format ${args.format}`);
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/sync/stream')) {
    req.resume();
    res.writeHead(200, { 'Content-Type': args.format === 'bson' ? BSON : NDJSON, 'X-Accel-Buffering': 'no' });
    res.write(body);
    // Open until the client goes away, as a real stream.
    req.on('close', () => res.end());
    console.error(`served ${body.length} bytes of ${args.format}`);
  } else {
    console.error(`unexpected ${req.method} ${req.url}`);
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":{"code":"NOT_FOUND","message":"replay server: only POST /sync/stream"}}');
  }
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));

// Minimal BSON (https://bsonspec.org/spec.html) for JSON values: strings, booleans, null,
// numbers (int32 when they fit, else int64 for whole numbers, else double), arrays, objects.
function bsonDocument(object) {
  const parts = [];
  for (const [key, value] of Object.entries(object)) {
    parts.push(bsonElement(key, value));
  }
  const content = Buffer.concat(parts);
  const document = Buffer.alloc(content.length + 5);
  document.writeInt32LE(document.length, 0);
  content.copy(document, 4);
  return document;
}

function bsonElement(key, value) {
  const name = Buffer.from(key + '\0', 'utf8');
  let type;
  let payload;
  if (value === null) {
    type = 0x0a;
    payload = Buffer.alloc(0);
  } else if (typeof value === 'boolean') {
    type = 0x08;
    payload = Buffer.from([value ? 1 : 0]);
  } else if (typeof value === 'string') {
    type = 0x02;
    const text = Buffer.from(value, 'utf8');
    payload = Buffer.alloc(text.length + 5);
    payload.writeInt32LE(text.length + 1, 0);
    text.copy(payload, 4);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) {
      type = 0x10;
      payload = Buffer.alloc(4);
      payload.writeInt32LE(value, 0);
    } else if (Number.isSafeInteger(value)) {
      type = 0x12;
      payload = Buffer.alloc(8);
      payload.writeBigInt64LE(BigInt(value), 0);
    } else {
      type = 0x01;
      payload = Buffer.alloc(8);
      payload.writeDoubleLE(value, 0);
    }
  } else if (Array.isArray(value)) {
    type = 0x04;
    payload = bsonDocument(Object.fromEntries(value.map((item, i) => [String(i), item])));
  } else {
    type = 0x03;
    payload = bsonDocument(value);
  }
  return Buffer.concat([Buffer.from([type]), name, payload]);
}
