'use strict';
// downloadContent() against an in-process grpc-js server whose
// ReadVideoContent plays scripted streams: resumption at the bytes written,
// waiting while the gateway still fetches its copy, the digest check, errors
// with their reasons, and an unwritable path found before any call.

const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { test } = require('node:test');
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');
const { GatewayClient, GatewayError, v1 } = require('..');
const { PROTO_DIR } = require('../errors');

const rpc = protobuf.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']
  .map((f) => path.join(PROTO_DIR, f)));

const MiB = 1024 * 1024;
// 2.5 MiB in a pattern that does not repeat at 1 MiB, so a misplaced chunk shows.
const VIDEO = Buffer.alloc(2.5 * MiB).map((_, i) => i % 251);
const SHA256 = crypto.createHash('sha256').update(VIDEO).digest('hex');

// A call's error as the gateway sends it: the code and a google.rpc.Status
// with an ErrorInfo reason and, if given, a RetryInfo.
function gatewayError(code, reason, retryDelayMs) {
  const Status = rpc.lookupType('google.rpc.Status');
  const details = [];
  if (reason) {
    const info = rpc.lookupType('google.rpc.ErrorInfo').encode(
      { reason, domain: 'seedance.v1' }).finish();
    details.push({ type_url: 'type.googleapis.com/google.rpc.ErrorInfo', value: info });
  }
  if (retryDelayMs !== undefined) {
    const retry = rpc.lookupType('google.rpc.RetryInfo').encode({ retryDelay: {
      seconds: Math.floor(retryDelayMs / 1000), nanos: (retryDelayMs % 1000) * 1e6 } }).finish();
    details.push({ type_url: 'type.googleapis.com/google.rpc.RetryInfo', value: retry });
  }
  const message = `scripted ${reason || grpc.status[code]}`;
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin',
    Buffer.from(Status.encode({ code, message, details }).finish()));
  return { code, details: message, metadata };
}

// Each call plays the next script: {error} fails at once; otherwise a
// header (sha256 and totalSize overridable), then the bytes from the
// request's offset in chunks of at most 1 MiB, `bytes` of them (all by
// default), then the end or `code`.
async function serve(scripts, options = {}) {
  const seen = { requests: [], tokens: [] };
  const server = new grpc.Server();
  server.addService(v1.VideoGateway.service, {
    readVideoContent(call) {
      const request = call.request;
      seen.requests.push({ file: request.file, offset: Number(request.offset) });
      seen.tokens.push(call.metadata.get('authorization')[0]);
      const script = scripts.shift();
      if (script.error) {
        call.emit('error', script.error);
        return;
      }
      const offset = Number(request.offset);
      const end = Math.min(VIDEO.length, offset + (script.bytes ?? VIDEO.length));
      call.write({ header: { contentType: 'video/mp4', totalSize: script.totalSize ?? VIDEO.length,
        sha256: script.sha256 ?? SHA256, offset, length: VIDEO.length - offset } });
      for (let at = offset; at < end; at += MiB) {
        call.write({ chunk: { offset: at, data: VIDEO.subarray(at, Math.min(end, at + MiB)) } });
      }
      if (script.code === undefined) call.end();
      else call.emit('error', { code: script.code, details: `scripted ${grpc.status[script.code]}` });
    },
  });
  const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0',
    grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const client = new GatewayClient(`127.0.0.1:${port}`, 'token-1', { reconnectDelayMs: 1, ...options });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-node-'));
  return {
    seen,
    client,
    dir,
    file: path.join(dir, 'out.mp4'),
    close() {
      client.close();
      server.forceShutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a broken stream resumes at the bytes written and the file is whole', async () => {
  const broken = MiB + 12345; // mid-chunk
  const gw = await serve([
    { bytes: broken, code: grpc.status.UNAVAILABLE },
    { bytes: 0, code: grpc.status.CANCELLED }, // a header, then a stopping gateway's CANCELLED
    {},
  ]);
  try {
    const progress = [];
    const retries = [];
    const result = await gw.client.downloadContent('task-1', gw.file, {
      onProgress: (received, total) => progress.push([received, total]),
      onRetry: (received, details) => retries.push([received, details.codeName]),
    });
    assert.ok(fs.readFileSync(gw.file).equals(VIDEO));
    assert.deepEqual(result, { path: gw.file, size: VIDEO.length, sha256: SHA256, contentType: 'video/mp4' });
    assert.deepEqual(gw.seen.requests.map((r) => r.offset), [0, broken, broken]);
    assert.ok(gw.seen.requests.every((r) => r.file === 'RESULT_FILE_VIDEO'));
    assert.ok(gw.seen.tokens.every((t) => t === 'Bearer token-1'));
    assert.deepEqual(retries, [[broken, 'UNAVAILABLE'], [broken, 'CANCELLED']]);
    assert.deepEqual(progress[0], [0, VIDEO.length]);
    assert.deepEqual(progress[progress.length - 1], [VIDEO.length, VIDEO.length]);
    assert.ok(progress.every(([r], i) => i === 0 || r >= progress[i - 1][0]));
    assert.deepEqual(fs.readdirSync(gw.dir), ['out.mp4']); // no .part left
  } finally {
    gw.close();
  }
});

test('the last frame is asked for by its file', async () => {
  const gw = await serve([{}]);
  try {
    await gw.client.downloadContent('task-1', gw.file, { file: 'RESULT_FILE_LAST_FRAME' });
    assert.deepEqual(gw.seen.requests, [{ file: 'RESULT_FILE_LAST_FRAME', offset: 0 }]);
  } finally {
    gw.close();
  }
});

test('CONTENT_PENDING is waited through as RetryInfo says, past the reconnect budget', async () => {
  const pending = () => ({ error: gatewayError(grpc.status.UNAVAILABLE, 'CONTENT_PENDING', 20) });
  const gw = await serve([pending(), pending(), pending(), pending(), {}], { maxReconnects: 2 });
  try {
    const delays = [];
    const started = Date.now();
    const result = await gw.client.downloadContent('task-1', gw.file, {
      onRetry: (received, details, delayMs) => delays.push([details.reason, delayMs]),
    });
    assert.ok(Date.now() - started >= 4 * 20 - 10); // slept as told (timers are coarse)
    assert.equal(result.sha256, SHA256);
    assert.ok(fs.readFileSync(gw.file).equals(VIDEO));
    assert.equal(gw.seen.requests.length, 5);
    assert.deepEqual(delays, Array(4).fill(['CONTENT_PENDING', 20]));
  } finally {
    gw.close();
  }
});

test('the reconnect budget ends a stream that breaks without progress, leaving no file', async () => {
  const gw = await serve([{ bytes: MiB, code: grpc.status.UNAVAILABLE },
    ...Array.from({ length: 2 }, () => ({ bytes: 0, code: grpc.status.UNAVAILABLE }))],
  { maxReconnects: 2 });
  try {
    await assert.rejects(gw.client.downloadContent('task-1', gw.file),
      (err) => err instanceof GatewayError && err.details.codeName === 'UNAVAILABLE');
    // The first call made progress: a fresh budget of 2 reconnects after it.
    assert.deepEqual(gw.seen.requests.map((r) => r.offset), [0, MiB, MiB]);
    assert.deepEqual(fs.readdirSync(gw.dir), []);
  } finally {
    gw.close();
  }
});

test('a digest mismatch is DATA_LOSS and leaves neither the file nor its .part', async () => {
  const gw = await serve([{ sha256: '0'.repeat(64) }]);
  try {
    await assert.rejects(gw.client.downloadContent('task-1', gw.file), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.details.codeName, 'DATA_LOSS');
      assert.match(err.message, /SHA-256/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(gw.dir), []);
  } finally {
    gw.close();
  }
});

test('a resumed stream of another file aborts', async () => {
  const gw = await serve([{ bytes: MiB, code: grpc.status.UNAVAILABLE }, { sha256: 'f'.repeat(64) }]);
  try {
    await assert.rejects(gw.client.downloadContent('task-1', gw.file),
      (err) => err instanceof GatewayError && err.details.codeName === 'ABORTED');
    assert.deepEqual(fs.readdirSync(gw.dir), []);
  } finally {
    gw.close();
  }
});

test('a FAILED_PRECONDITION carries its reason and is not retried', async () => {
  const gw = await serve([
    { error: gatewayError(grpc.status.FAILED_PRECONDITION, 'CONTENT_NOT_AVAILABLE') }]);
  try {
    await assert.rejects(gw.client.downloadContent('task-1', gw.file), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.details.codeName, 'FAILED_PRECONDITION');
      assert.equal(err.details.reason, 'CONTENT_NOT_AVAILABLE');
      return true;
    });
    assert.equal(gw.seen.requests.length, 1);
    assert.deepEqual(fs.readdirSync(gw.dir), []);
  } finally {
    gw.close();
  }
});

test('an unwritable path fails before any call', async () => {
  const gw = await serve([{}]);
  try {
    await assert.rejects(gw.client.downloadContent('task-1', path.join(gw.dir, 'no-such-dir', 'out.mp4')),
      (err) => err.code === 'ENOENT');
    assert.deepEqual(gw.seen.requests, []);
  } finally {
    gw.close();
  }
});
