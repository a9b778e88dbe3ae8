'use strict';
// download(): the bytes, their digest and the progress reported, against a
// local HTTP server; a failed link or an unwritable path leaves no file.

const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { test } = require('node:test');
const { GatewayError, download } = require('..');

const VIDEO = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42', 'latin1'),
  Buffer.alloc(256 * 1024, 7)]);

async function withServer(fn) {
  const requests = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url);
    if (request.url === '/moved.mp4') {
      response.writeHead(302, { Location: '/video.mp4' }).end();
      return;
    }
    if (request.url !== '/video.mp4') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': VIDEO.length });
    response.end(VIDEO);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-node-'));
  try {
    await fn(`http://127.0.0.1:${server.address().port}`, dir, requests);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the file holds the bytes with their digest and progress is reported', () =>
  withServer(async (base, dir) => {
    const progress = [];
    const file = path.join(dir, 'out.mp4');
    const result = await download(`${base}/video.mp4`, file,
      { onProgress: (received, total) => progress.push([received, total]) });
    assert.ok(fs.readFileSync(file).equals(VIDEO));
    assert.equal(result.size, VIDEO.length);
    assert.equal(result.sha256, crypto.createHash('sha256').update(VIDEO).digest('hex'));
    assert.equal(result.contentType, 'video/mp4');
    assert.deepEqual(progress[0], [0, VIDEO.length]);
    assert.deepEqual(progress[progress.length - 1], [VIDEO.length, VIDEO.length]);
    assert.ok(progress.every(([r], i) => i === 0 || r >= progress[i - 1][0]));
    assert.ok(!fs.existsSync(`${file}.part`));
  }));

test('an expired link is unavailable and leaves no file', () =>
  withServer(async (base, dir) => {
    await assert.rejects(download(`${base}/gone.mp4`, path.join(dir, 'out.mp4')), (err) =>
      err instanceof GatewayError && err.details.codeName === 'UNAVAILABLE' &&
      err.details.message.includes('HTTP 404'));
    assert.deepEqual(fs.readdirSync(dir), []);
  }));

test('an unwritable path fails before anything is fetched', () =>
  withServer(async (base, dir, requests) => {
    await assert.rejects(download(`${base}/video.mp4`, path.join(dir, 'no-such-dir', 'out.mp4')),
      (err) => err.code === 'ENOENT');
    assert.deepEqual(requests, []);
  }));

test('a task without a video URL is refused', async () => {
  await assert.rejects(download('', path.join(os.tmpdir(), 'never.mp4')),
    (err) => err instanceof GatewayError && err.details.codeName === 'FAILED_PRECONDITION');
});

test('a redirect is followed', () =>
  withServer(async (base, dir, requests) => {
    const file = path.join(dir, 'out.mp4');
    const result = await download(`${base}/moved.mp4`, file);
    assert.ok(fs.readFileSync(file).equals(VIDEO));
    assert.equal(result.size, VIDEO.length);
    assert.deepEqual(requests, ['/moved.mp4', '/video.mp4']);
  }));
