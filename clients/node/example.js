#!/usr/bin/env node
'use strict';
// The Node client of the seedance gateway at work. By default (--mode=demo)
// it creates a video task, watches it to the end printing each event,
// prints the video URL, then shows how a failed call's details decode (a
// request with duration_seconds=30, checked with validate_only so nothing
// is created).
//
//   cd clients/node && npm ci && node example.js --gateway=127.0.0.1:50051 \
//       --token=$SEEDANCE_TOKEN --model=doubao-seedance-1-0-pro-250528 --prompt="a kitten yawning"
//
// Other modes, one step each (the interop test drives them):
//   --mode=create [--duration=N]           create a task and print it
//   --mode=watch --task-id=ID [--after=N]  watch to the end (resumes)
//   --mode=cancel --task-id=ID             cancel, then watch to the end
//
// --output=FILE (demo and watch): once the task succeeded, save its video
// there from the gateway's own copy (resumed, checked against its SHA-256),
// or from the provider's video_url when the gateway keeps no copies; a
// progress line on a terminal, then "saved path=... size=... sha256=...".
//
// Output is one "kind key=value ..." line per thing, the same in the Go and
// Python examples; "message=" and "description=" run to the end of the
// line. Exit status (the C++ client's for failed calls): 0 done, 1 the task did not
// succeed, 2 invalid input, 3 unavailable or refused for now, 4 auth, 5 other.

const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');
const grpc = require('@grpc/grpc-js');
// The package by its name: this directory's own (package.json "exports"),
// or the installed one when this program runs elsewhere.
const { GatewayClient, GatewayError, statusDetails } = require('seedance-gateway-client');

const EXIT_CODES = new Map([
  [grpc.status.INVALID_ARGUMENT, 2], [grpc.status.NOT_FOUND, 2], [grpc.status.ALREADY_EXISTS, 2],
  [grpc.status.FAILED_PRECONDITION, 2], [grpc.status.OUT_OF_RANGE, 2],
  [grpc.status.UNAVAILABLE, 3], [grpc.status.DEADLINE_EXCEEDED, 3], [grpc.status.RESOURCE_EXHAUSTED, 3],
  [grpc.status.UNAUTHENTICATED, 4], [grpc.status.PERMISSION_DENIED, 4],
]);

const out = (line) => console.log(line);
const stateName = (state) => state.replace(/^TASK_STATE_/, '');

function printMessage(message) {
  if (message.event === 'status') {
    const e = message.status;
    out(`event task=${e.taskId} seq=${e.sequence} state=${stateName(e.state)}`);
  } else {
    const hb = message.heartbeat;
    const elapsed = Number(hb.elapsed.seconds) + hb.elapsed.nanos / 1e9;
    out(`heartbeat task=${hb.taskId} seq=${hb.sequence} state=${stateName(hb.state)} elapsed=${elapsed.toFixed(1)}s`);
  }
}

function printDetails(kind, d) {
  out(`${kind} code=${d.codeName} message=${d.message}`);
  for (const v of d.fieldViolations) out(`  field_violation field=${v.field} description=${v.description}`);
  if (d.retryDelayMs !== null) out(`  retry_delay_ms=${d.retryDelayMs}`);
  if (d.reason) {
    const extra = Object.keys(d.metadata).sort().map((k) => ` ${k}=${d.metadata[k]}`).join('');
    out(`  error_info reason=${d.reason} domain=${d.domain}${extra}`);
  }
}

function finish(task) {
  out(`done task=${task.taskId} state=${stateName(task.state)} seq=${task.sequence}`);
  if (task.state === 'TASK_STATE_SUCCEEDED') {
    out(`video_url=${task.result.videoUrl}`);
    return 0;
  }
  if (task.error) printDetails('task_error', statusDetails(task.error));
  return 1;
}

// A download's progress on a terminal: bytes of total, percent, rate, on
// one line redrawn at most ten times a second.
function progressLine() {
  if (!process.stdout.isTTY) return { update() {}, end() {} };
  const start = Date.now();
  const mib = (bytes) => (bytes / (1 << 20)).toFixed(1);
  let drawn = 0;
  let live = false;
  return {
    update(received, total) {
      const now = Date.now();
      if (received !== total && now - drawn < 100) return;
      drawn = now;
      const of = total ? ` of ${mib(total)} MiB (${Math.floor((100 * received) / total)}%)` : ' MiB';
      const seconds = (now - start) / 1000;
      const rate = seconds > 0 ? `  ${mib(received / seconds)} MiB/s` : '';
      process.stdout.write(`\r  downloading ${mib(received)}${of}${rate}   `);
      live = true;
    },
    end() {
      if (live) process.stdout.write('\n');
      live = false;
    },
  };
}

// Saves a succeeded task's video to `output`: the gateway's copy; the
// provider's video_url only when the gateway keeps none (while that link
// still works).
async function save(client, task, output) {
  let meter = progressLine();
  let saved;
  try {
    saved = await client.downloadContent(task.taskId, output, {
      onProgress: (received, total) => meter.update(received, total),
      onRetry: (received, d, delayMs) => {
        meter.end();
        out(`download_retry offset=${received} code=${d.codeName}${d.reason ? ` reason=${d.reason}` : ''} delay_ms=${delayMs}`);
      },
    });
  } catch (err) {
    meter.end();
    if (!(err instanceof GatewayError) || err.details.reason !== 'CONTENT_NOT_AVAILABLE') throw err;
    console.error("the gateway keeps no copy of this video; downloading the provider's link");
    meter = progressLine();
    saved = await client.downloadVideo(task, output,
      { onProgress: (received, total) => meter.update(received, total) });
  } finally {
    meter.end();
  }
  out(`saved path=${saved.path} size=${saved.size} sha256=${saved.sha256} content_type=${saved.contentType}`);
  return 0;
}

// finish(), then the video saved to --output if asked for and there is one.
async function finishAndSave(client, task, output) {
  const code = finish(task);
  return code === 0 && output ? save(client, task, output) : code;
}

function spec(args, duration) {
  const s = { model: args.model, prompt: args.prompt };
  const seconds = duration || Number(args.duration);
  if (seconds) s.durationSeconds = seconds;
  return s;
}

async function run(args, client) {
  try {
    if (args.mode === 'create') {
      const task = await client.create(spec(args));
      out(`created task=${task.taskId} state=${stateName(task.state)} seq=${task.sequence}`);
      return 0;
    }
    if (args.mode === 'watch') {
      const afterSequence = args.after !== undefined ? Number(args.after) : undefined;
      const task = await client.wait(args['task-id'], { afterSequence, onMessage: printMessage });
      return await finishAndSave(client, task, args.output);
    }
    if (args.mode === 'cancel') {
      const task = await client.cancel(args['task-id']);
      out(`cancelled task=${task.taskId} state=${stateName(task.state)}`);
      finish(await client.wait(args['task-id'], { onMessage: printMessage }));
      return 0;
    }
    // demo
    const task = await client.create(spec(args));
    out(`created task=${task.taskId} state=${stateName(task.state)} seq=${task.sequence}`);
    // afterSequence 0: the whole history, from the state it was created in.
    const done = await client.wait(task.taskId, { afterSequence: 0, onMessage: printMessage });
    const code = await finishAndSave(client, done, args.output);
    // A failed call, decoded: duration_seconds out of range. validateOnly
    // makes sure nothing is created even if it were valid.
    out('demo: a request with duration_seconds=30 fails with');
    try {
      await client.create(spec(args, 30), { validateOnly: true });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      printDetails('error', err.details);
    }
    return code;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    printDetails('error', err.details);
    return EXIT_CODES.get(err.code) || 5;
  }
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      gateway: { type: 'string', default: process.env.SEEDANCE_GATEWAY || '127.0.0.1:50051' },
      token: { type: 'string', default: process.env.SEEDANCE_TOKEN || '' },
      model: { type: 'string', default: 'doubao-seedance-1-0-pro-250528' },
      prompt: { type: 'string', default: 'a kitten yawning at the camera' },
      mode: { type: 'string', default: 'demo' },
      'task-id': { type: 'string', default: '' },
      after: { type: 'string' },
      duration: { type: 'string', default: '0' },
      output: { type: 'string', default: '' },
    },
  });
  if (!args.token) {
    console.error('no token: pass --token or set $SEEDANCE_TOKEN');
    return 4;
  }
  if (!['demo', 'create', 'watch', 'cancel'].includes(args.mode)) {
    console.error(`unknown --mode ${args.mode}`);
    return 2;
  }
  if ((args.mode === 'watch' || args.mode === 'cancel') && !args['task-id']) {
    console.error(`--mode=${args.mode} needs --task-id`);
    return 2;
  }
  if (args.output) {
    // Checked first, so a paid task is not made for a file that cannot be written.
    try {
      fs.accessSync(path.dirname(path.resolve(args.output)), fs.constants.W_OK);
    } catch (err) {
      console.error(`--output ${args.output}: cannot write there (${err.code})`);
      return 2;
    }
  }
  const client = new GatewayClient(args.gateway, args.token, {
    onReconnect: (afterSequence, details) =>
      out(`resumed after_sequence=${afterSequence || 0} code=${details.codeName}`),
  });
  try {
    return await run(args, client);
  } finally {
    client.close();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  process.exitCode = 5;
});
