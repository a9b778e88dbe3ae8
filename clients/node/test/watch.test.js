'use strict';
// GatewayClient against an in-process grpc-js server that plays scripted
// streams: resumption through what a stopping gateway sends (UNAVAILABLE,
// then gRPC's CANCELLED), errors decoded from the status trailer, and the
// token and requestId every create carries.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');
const path = require('path');
const { GatewayClient, GatewayError, v1 } = require('..');
const { PROTO_DIR } = require('../errors');

const rpc = protobuf.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']
  .map((f) => path.join(PROTO_DIR, f)));

// Each watch call plays the next script: [states, code or null]; states
// are numbered on from the request's afterSequence.
async function serve(scripts, options = {}) {
  const seen = { afters: [], creates: [] };
  const server = new grpc.Server();
  server.addService(v1.VideoGateway.service, {
    watchVideoTask(call) {
      const request = call.request;
      // proto3 optional: proto-loader names a set field in its synthetic oneof.
      const hasAfter = request._afterSequence === 'afterSequence';
      seen.afters.push(hasAfter ? Number(request.afterSequence) : null);
      const [states, code] = scripts.shift();
      let sequence = hasAfter ? Number(request.afterSequence) : 0;
      for (const state of states) {
        sequence += 1;
        call.write({ status: { taskId: request.taskId, sequence, state,
          task: { taskId: request.taskId, state } } });
      }
      if (code === 'hold') return; // open until the client goes away
      if (code === null) call.end();
      else call.emit('error', { code, details: `scripted ${grpc.status[code]}` });
    },
    createVideoTask(call, callback) {
      seen.creates.push({ request: call.request, token: call.metadata.get('authorization')[0] });
      if (call.request.spec.durationSeconds === 30) {
        const BadRequest = rpc.lookupType('google.rpc.BadRequest');
        const Status = rpc.lookupType('google.rpc.Status');
        const bad = BadRequest.encode({ fieldViolations: [
          { field: 'spec.duration_seconds', description: 'must be from 2 to 12 seconds' }] }).finish();
        const status = Status.encode({ code: grpc.status.INVALID_ARGUMENT, message: 'invalid request',
          details: [{ type_url: 'type.googleapis.com/google.rpc.BadRequest', value: bad }] }).finish();
        const metadata = new grpc.Metadata();
        metadata.set('grpc-status-details-bin', Buffer.from(status));
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'invalid request', metadata });
        return;
      }
      callback(null, { taskId: 'task-1', requestId: call.request.requestId, spec: call.request.spec });
    },
  });
  const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0',
    grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const client = new GatewayClient(`127.0.0.1:${port}`, 'token-1', { reconnectDelayMs: 1, ...options });
  return {
    seen,
    client,
    close() {
      client.close();
      server.forceShutdown();
    },
  };
}

async function collect(iterator) {
  const messages = [];
  for await (const message of iterator) messages.push(message);
  return messages;
}

test('a watch resumes through a gateway shutdown with each change once', async () => {
  const resumed = [];
  const gw = await serve([
    [['TASK_STATE_RUNNING'], grpc.status.UNAVAILABLE], // the gateway's own shutdown status
    [[], grpc.status.CANCELLED], // gRPC's, to a call made while it stops
    [[], grpc.status.UNAVAILABLE], // nobody listening yet
    [['TASK_STATE_SUCCEEDED'], null],
  ], { onReconnect: (after, details) => resumed.push([after, details.codeName]) });
  try {
    const messages = await collect(gw.client.watch('task-1'));
    assert.deepEqual(messages.map((m) => m.status.sequence), [1, 2]);
    assert.equal(messages[1].status.state, 'TASK_STATE_SUCCEEDED');
    assert.deepEqual(gw.seen.afters, [null, 1, 1, 1]);
    assert.deepEqual(resumed, [[1, 'UNAVAILABLE'], [1, 'CANCELLED'], [1, 'UNAVAILABLE']]);
  } finally {
    gw.close();
  }
});

test('wait resolves to the task in its terminal state', async () => {
  const gw = await serve([[['TASK_STATE_RUNNING'], grpc.status.CANCELLED],
    [['TASK_STATE_SUCCEEDED'], null]]);
  try {
    assert.equal((await gw.client.wait('task-1')).state, 'TASK_STATE_SUCCEEDED');
  } finally {
    gw.close();
  }
});

test('a non-retryable error ends the watch', async () => {
  const gw = await serve([[['TASK_STATE_RUNNING'], grpc.status.NOT_FOUND]]);
  try {
    await assert.rejects(collect(gw.client.watch('task-1')),
      (err) => err instanceof GatewayError && err.details.codeName === 'NOT_FOUND');
    assert.equal(gw.seen.afters.length, 1);
  } finally {
    gw.close();
  }
});

test('the reconnect budget ends a watch that never comes back', async () => {
  const gw = await serve(Array.from({ length: 4 }, () => [[], grpc.status.CANCELLED]),
    { maxReconnects: 3 });
  try {
    await assert.rejects(collect(gw.client.watch('task-1')),
      (err) => err instanceof GatewayError && err.details.codeName === 'CANCELLED');
    assert.equal(gw.seen.afters.length, 4); // the first try and 3 reconnects
  } finally {
    gw.close();
  }
});

test('a create carries the token and a fresh requestId', async () => {
  const gw = await serve([]);
  try {
    const first = await gw.client.create({ model: 'm', prompt: 'p' });
    const second = await gw.client.create({ model: 'm', prompt: 'p' }, { requestId: 'mine' });
    assert.equal(gw.seen.creates[0].token, 'Bearer token-1');
    assert.match(gw.seen.creates[0].request.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(first.requestId, gw.seen.creates[0].request.requestId);
    assert.equal(second.requestId, 'mine');
  } finally {
    gw.close();
  }
});

test('a validation error is decoded with its field path', async () => {
  const gw = await serve([]);
  try {
    await assert.rejects(gw.client.create({ model: 'm', prompt: 'p', durationSeconds: 30 }), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.details.codeName, 'INVALID_ARGUMENT');
      assert.deepEqual(err.details.fieldViolations.map((v) => v.field), ['spec.duration_seconds']);
      return true;
    });
  } finally {
    gw.close();
  }
});

test('closing the client ends a watch without resuming it', async () => {
  const gw = await serve([[['TASK_STATE_RUNNING'], 'hold']]);
  try {
    const watch = gw.client.watch('task-1');
    assert.equal((await watch.next()).value.status.sequence, 1);
    gw.client.close();
    await assert.rejects(watch.next(), (err) => err instanceof GatewayError);
    assert.deepEqual(gw.seen.afters, [null]); // never called again
  } finally {
    gw.close();
  }
});
