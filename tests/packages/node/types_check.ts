// Compiled (never run) by tsc in tests/packages: a user's program written against
// index.d.ts the way a TypeScript user would, so a declaration that does
// not match the library's shape, or does not compile, fails the tests.
import { GatewayClient, GatewayError, type VideoTask, type WatchMessage, isTerminal } from 'seedance-gateway-client';

async function makeVideo(client: GatewayClient): Promise<string> {
  try {
    const task: VideoTask = await client.create(
      { model: 'doubao-seedance-1-0-pro-250528', prompt: 'a fox', durationSeconds: 5,
        resolution: 'RESOLUTION_720P', images: [{ url: 'data:image/png;base64,AA==', role: 'FRAME_ROLE_FIRST_FRAME' }] },
      { requestId: 'a-uuid' });
    for await (const message of client.watch(task.taskId, { afterSequence: 0 })) {
      const m: WatchMessage = message;
      if (m.event === 'status') {
        const state: string = m.status.state;
        const seq: number = m.status.sequence;
        if (isTerminal(m.status.state)) console.log(state, seq, m.status.task?.result?.videoUrl);
      } else {
        console.log(m.heartbeat.elapsed?.seconds);
      }
    }
    const done = await client.wait(task.taskId, { onMessage: (m) => console.log(m.event) });
    const saved = await client.downloadVideo(done, 'fox.mp4', {
      onProgress: (received: number, total: number | null) => console.log(received, total),
    });
    return saved.sha256;
  } catch (err) {
    if (err instanceof GatewayError) {
      const retry: number | null = err.details.retryDelayMs;
      console.log(err.details.codeName, err.details.fieldViolations[0]?.field, retry);
    }
    throw err;
  }
}

const client = new GatewayClient('127.0.0.1:50051', 'token', { callTimeoutMs: 1000,
  onReconnect: (after, details) => console.log(after, details.reason) });
void makeVideo(client).finally(() => client.close());
