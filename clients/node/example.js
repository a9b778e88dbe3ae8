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
// Output is one "kind key=value ..." line per thing, the same in the Go and
// Python examples; "message=" and "description=" run to the end of the
// line. Exit status (the C++ client's for failed calls): 0 done, 1 the task did not
// succeed, 2 invalid input, 3 unavailable or refused for now, 4 auth, 5 other.

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
      return finish(await client.wait(args['task-id'], { afterSequence, onMessage: printMessage }));
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
    const code = finish(await client.wait(task.taskId, { afterSequence: 0, onMessage: printMessage }));
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
