'use strict';
// A user's own program, outside the repository, on the installed
// seedance-gateway-client package: create a video task, watch it to its
// end, download the video. What tests/packages/package_test.cc runs after
// `npm install` of the packed package.
//
//   node make_video.js --gateway=HOST:PORT --token=TOKEN --output=video.mp4

const { parseArgs } = require('util');
const { GatewayClient, GatewayError } = require('seedance-gateway-client');

async function main() {
  const { values: args } = parseArgs({
    options: { gateway: { type: 'string' }, token: { type: 'string' }, output: { type: 'string' } },
  });
  const client = new GatewayClient(args.gateway, args.token);
  try {
    const task = await client.create({ model: 'doubao-seedance-1-0-pro-250528',
      prompt: 'a kitten yawning', durationSeconds: 5 });
    console.log(`created ${task.taskId}`);
    // afterSequence 0: the whole history, from the state it was created in.
    const done = await client.wait(task.taskId, { afterSequence: 0, onMessage: (m) => {
      if (m.event === 'status') console.log(`state ${m.status.state} seq=${m.status.sequence}`);
    } });
    if (done.state !== 'TASK_STATE_SUCCEEDED') {
      console.log(`ended ${done.state}: ${done.error ? done.error.message : ''}`);
      return 1;
    }
    let shown = -1;
    // The gateway's own copy, checked against its digest.
    const saved = await client.downloadContent(done.taskId, args.output, { onProgress: (received, total) => {
      if (received === total || received - shown >= 1 << 20) {
        console.log(`downloaded ${received} of ${total} bytes`);
        shown = received;
      }
    } });
    console.log(`saved ${saved.path} bytes=${saved.size} sha256=${saved.sha256}`);
    return 0;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    console.error(`error ${err.message}`);
    return 1;
  } finally {
    client.close();
  }
}

main().then((code) => { process.exitCode = code; });
