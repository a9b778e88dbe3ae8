'use strict';
// GatewayClient: the seedance gateway (seedance.v1.VideoGateway) from Node,
// on @grpc/grpc-js, with the repo's proto/ loaded at run time by
// @grpc/proto-loader (messages are plain objects, camelCase fields, enums as
// strings, 64-bit integers as numbers).
//
//   const { GatewayClient } = require('./seedance');
//   const client = new GatewayClient('127.0.0.1:50051', token);
//   const task = await client.create({ model: 'doubao-seedance-1-0-pro-250528', prompt: 'a fox' });
//   for await (const message of client.watch(task.taskId)) console.log(message);  // resumes
//   await client.downloadContent(task.taskId, 'fox.mp4');  // the gateway's copy, checked
//   client.close();
//
// Every call sends `authorization: Bearer <token>`; unary calls have a
// deadline; failures reject with a GatewayError whose `details` are decoded
// (errors.js).

const crypto = require('crypto');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { GatewayError, PROTO_DIR, codeName, errorDetails, statusDetails } = require('./errors');
const { PartialFile, download } = require('./download');

const packageDefinition = protoLoader.loadSync(path.join(PROTO_DIR, 'seedance/v1/video_gateway.proto'), {
  includeDirs: [PROTO_DIR],
  longs: Number, // sequence numbers, seeds, file sizes and offsets: all well below 2^53
  enums: String,
  defaults: true,
  oneofs: true, // WatchVideoTaskResponse.event says 'status' or 'heartbeat'
  // bytes as Buffers (ContentChunk.data), proto-loader's default
});
const v1 = grpc.loadPackageDefinition(packageDefinition).seedance.v1;

const TERMINAL_STATES = new Set([
  'TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELLED', 'TASK_STATE_EXPIRED',
]);

// Codes after which a broken watch (or content) stream is worth resuming:
// the connection or the gateway went away. Both only read, so repeating
// them is safe.
// CANCELLED is among them: watch() cancels a call only once it stopped
// reading it, so a CANCELLED it reads comes from the server (a stopping gRPC
// server cancels open calls and refuses new ones with it), unless close()
// was called, which ends the watch (or download) instead.
const RETRYABLE_CODES = new Set([
  grpc.status.UNAVAILABLE, grpc.status.CANCELLED, grpc.status.DEADLINE_EXCEEDED,
  grpc.status.INTERNAL, grpc.status.UNKNOWN,
]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True for a state a task never leaves. */
function isTerminal(state) {
  return TERMINAL_STATES.has(state);
}

class GatewayClient {
  /**
   * @param {string} address host:port
   * @param {string} token sent as `authorization: Bearer <token>`
   * @param {object} [options] credentials (default insecure), callTimeoutMs
   *   (30000), reconnectDelayMs (200, doubling to 10000), maxReconnects (20),
   *   onReconnect(afterSequence, details): told each time watch() resumes.
   */
  constructor(address, token, options = {}) {
    this.stub = new v1.VideoGateway(address, options.credentials || grpc.credentials.createInsecure());
    this.token = token;
    this.callTimeoutMs = options.callTimeoutMs || 30000;
    this.reconnectDelayMs = options.reconnectDelayMs || 200;
    this.maxReconnects = options.maxReconnects || 20;
    this.onReconnect = options.onReconnect || null;
    this.closed = false;
    this.watches = new Set(); // the streams open now: watches and downloadContent's
  }

  close() {
    this.closed = true; // a watch cut by this is not resumed
    // grpc-js lets calls in progress run on after close(): end the watches.
    for (const call of this.watches) call.cancel();
    this.stub.close();
  }

  metadata() {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${this.token}`);
    return metadata;
  }

  unary(method, request) {
    return new Promise((resolve, reject) => {
      this.stub[method](request, this.metadata(), { deadline: Date.now() + this.callTimeoutMs },
        (err, response) => (err ? reject(new GatewayError(err)) : resolve(response)));
    });
  }

  /**
   * Creates a task and resolves to it at once (PENDING or QUEUED). A
   * requestId (a fresh UUID by default) makes a retried call return the same
   * task instead of creating, and billing, a second one.
   */
  create(spec, { requestId = crypto.randomUUID(), validateOnly = false } = {}) {
    return this.unary('createVideoTask', { requestId, spec, validateOnly });
  }

  get(taskId) {
    return this.unary('getVideoTask', { taskId });
  }

  /** One page of the caller's tasks, newest first; states like 'TASK_STATE_RUNNING'. */
  list({ states = [], pageSize = 0, pageToken = '' } = {}) {
    return this.unary('listVideoTasks', { states, pageSize, pageToken });
  }

  cancel(taskId) {
    return this.unary('cancelVideoTask', { taskId });
  }

  listModels() {
    return this.unary('listModels', {});
  }

  /**
   * An async iterator of the task's changes and heartbeats until it ends.
   * Each message has `event`: 'status' (message.status, a TaskEvent:
   * taskId, sequence numbered 1, 2, ... without gaps, state, eventTime, and
   * the whole task after the change) or 'heartbeat' while nothing changes
   * (message.heartbeat: taskId, state, the latest sequence, elapsed since
   * creation, time). afterSequence as in WatchVideoTaskRequest (undefined:
   * start with the current state). A broken stream is resumed from the last sequence
   * yielded, so each change comes exactly once. Leaving the loop early ends
   * the stream. Throws a GatewayError when the watch cannot go on.
   */
  async *watch(taskId, { afterSequence } = {}) {
    let last = null;
    let delay = this.reconnectDelayMs;
    let failures = 0;
    for (;;) {
      const resumeFrom = last ? last.sequence : afterSequence;
      const request = { taskId };
      if (resumeFrom !== undefined && resumeFrom !== null) request.afterSequence = resumeFrom;
      const before = last ? last.sequence : 0;
      if (this.closed) {
        throw new GatewayError({ code: grpc.status.CANCELLED, details: 'the client was closed' });
      }
      const call = this.stub.watchVideoTask(request, this.metadata());
      this.watches.add(call);
      // Errors reach the loop below through the iterator; this listener
      // only keeps a late one (after we stopped reading) from crashing.
      call.on('error', () => {});
      try {
        for await (const message of call) {
          if (message.event === 'status') {
            // A resumed stream never repeats a change; guard anyway.
            if (last && message.status.sequence <= last.sequence) continue;
            last = message.status;
          }
          yield message;
        }
        return;
      } catch (err) {
        const details = errorDetails(err);
        if (!RETRYABLE_CODES.has(details.code) || this.closed) throw new GatewayError(err);
        if (last && last.sequence > before) {
          failures = 0; // progress: a fresh budget
          delay = this.reconnectDelayMs;
        }
        if (++failures > this.maxReconnects) throw new GatewayError(err);
        if (this.onReconnect) this.onReconnect(last ? last.sequence : afterSequence, details);
      } finally {
        this.watches.delete(call);
        call.cancel(); // a no-op after the end; frees the stream if we stopped early
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 10000);
    }
  }

  /**
   * Saves a succeeded task's video to `path` from the provider's video_url
   * (see download.js), which expires; downloadContent reads the gateway's
   * copy. Resolves to {path, size, sha256, contentType}.
   */
  downloadVideo(task, path, { onProgress = null } = {}) {
    const url = task && task.result ? task.result.videoUrl : '';
    return download(url, path, { onProgress, timeoutMs: Math.max(this.callTimeoutMs, 60000) });
  }

  /**
   * Saves a succeeded task's result file from the gateway's own copy
   * (ReadVideoContent), which outlives the provider's expiring URL. file:
   * 'RESULT_FILE_VIDEO' (the default) or 'RESULT_FILE_LAST_FRAME'. The bytes
   * go to `path + '.part'` (opened first: an unwritable path fails before
   * any call), renamed to `path` once complete and matching the header's
   * SHA-256. A broken stream is resumed at the bytes already written (the
   * codes, backoff and budget of watch()); while the gateway is still
   * fetching its copy (UNAVAILABLE, reason CONTENT_PENDING) it calls again
   * after the RetryInfo delay, with no budget. onProgress(received, total);
   * onRetry(received, details, delayMs) before each new call. Rejects with
   * the file system's error when the file cannot be written, a GatewayError
   * DATA_LOSS when the bytes do not match the header, ABORTED when a resumed
   * stream is of another file, or the gateway's error (FAILED_PRECONDITION
   * with details.reason TASK_NOT_SUCCEEDED, CONTENT_NOT_KEPT, CONTENT_EXPIRED
   * or CONTENT_NOT_AVAILABLE: the gateway keeps no copies, see
   * downloadVideo); no file is left then. Resolves to {path, size, sha256,
   * contentType}.
   */
  async downloadContent(taskId, path, { file = 'RESULT_FILE_VIDEO', onProgress = null,
    onRetry = null } = {}) {
    const part = await PartialFile.create(path);
    try {
      const header = await this.readContent(taskId, file, part, { onProgress, onRetry });
      if (!header) {
        throw new GatewayError({ code: grpc.status.INTERNAL, details: 'the stream ended without a header' });
      }
      if (part.size !== header.totalSize) {
        throw new GatewayError({ code: grpc.status.DATA_LOSS,
          details: `received ${part.size} bytes of ${header.totalSize}` });
      }
      const sha256 = part.sha256();
      if (sha256 !== header.sha256) {
        throw new GatewayError({ code: grpc.status.DATA_LOSS,
          details: `the file's SHA-256 is ${sha256}, the gateway's copy has ${header.sha256}` });
      }
      await part.commit();
      return { path, size: part.size, sha256, contentType: header.contentType };
    } catch (err) {
      await part.discard();
      throw err;
    }
  }

  // downloadContent's calls, into `part`, until a stream ends well; the
  // last header (null if none came).
  async readContent(taskId, file, part, { onProgress, onRetry }) {
    let header = null;
    let delay = this.reconnectDelayMs;
    let failures = 0;
    for (;;) {
      if (this.closed) {
        throw new GatewayError({ code: grpc.status.CANCELLED, details: 'the client was closed' });
      }
      const before = part.size; // a resumed stream starts where the last one broke
      const call = this.stub.readVideoContent({ taskId, file, offset: before }, this.metadata());
      this.watches.add(call);
      call.on('error', () => {}); // as in watch()
      let pending = false;
      let wait = delay;
      try {
        for await (const message of call) {
          if (message.part === 'header') {
            const next = message.header;
            if (header && (next.sha256 !== header.sha256 || next.totalSize !== header.totalSize)) {
              throw new GatewayError({ code: grpc.status.ABORTED,
                details: "the gateway's copy changed during the download" });
            }
            header = next;
            if (onProgress) onProgress(part.size, header.totalSize);
          } else if (message.part === 'chunk') {
            if (message.chunk.offset !== part.size) {
              throw new GatewayError({ code: grpc.status.DATA_LOSS,
                details: `a chunk at byte ${message.chunk.offset}, expected ${part.size}` });
            }
            await part.append(message.chunk.data);
            if (onProgress && header) onProgress(part.size, header.totalSize);
          }
        }
        return header;
      } catch (err) {
        // Ours (a GatewayError above) or the file system's (a string code)
        // end the download; the call's own (a numeric code) may not.
        if (err instanceof GatewayError || typeof err.code !== 'number') throw err;
        const details = errorDetails(err);
        if (this.closed) throw new GatewayError(err);
        if (part.size > before) {
          failures = 0; // progress: a fresh budget
          delay = this.reconnectDelayMs;
        }
        // The gateway is still fetching its copy: as long as it says, without
        // a budget (the fetch ends, one way or the other).
        pending = details.reason === 'CONTENT_PENDING';
        if (!pending && (!RETRYABLE_CODES.has(details.code) || ++failures > this.maxReconnects)) {
          throw new GatewayError(err);
        }
        wait = pending ? (details.retryDelayMs ?? 1000) : delay;
        if (onRetry) onRetry(part.size, details, wait);
      } finally {
        this.watches.delete(call);
        call.cancel(); // a no-op after the end; frees the stream after a failed check
      }
      await sleep(wait);
      if (!pending) delay = Math.min(delay * 2, 10000);
    }
  }

  /** Watches a task to its end; resolves to the task in its terminal state. */
  async wait(taskId, { afterSequence, onMessage } = {}) {
    let last = null;
    for await (const message of this.watch(taskId, { afterSequence })) {
      if (onMessage) onMessage(message);
      if (message.event === 'status') last = message.status;
    }
    if (last && isTerminal(last.state)) return last.task;
    return this.get(taskId); // resumed after the end: the task was over
  }
}

module.exports = {
  GatewayClient, GatewayError, codeName, download, errorDetails, isTerminal, statusDetails, v1,
};
