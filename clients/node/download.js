'use strict';
// Saving a finished task's video to a file.
//
//   const { size, sha256 } = await download(task.result.videoUrl, 'fox.mp4', {
//     onProgress: (received, total) => console.log(received, total),  // total: null if unknown
//   });
//
// download() reads the provider's video_url, which expires (about a day
// after the task ended). GatewayClient.downloadContent() reads the gateway's
// own copy instead (ReadVideoContent), into a PartialFile of this module.

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const { Transform } = require('stream');
const { pipeline } = require('stream/promises');
const grpc = require('@grpc/grpc-js');
const { GatewayError } = require('./errors');

// Errors of writing the file, which are the caller's to see as they are.
const FILE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM']);

function unavailable(message) {
  return new GatewayError({ code: grpc.status.UNAVAILABLE, details: message });
}

const MAX_REDIRECTS = 10;

// GET `url`, following redirects (as the other libraries do; CDNs and signed
// URLs use them), over http and https only.
async function fetch(url, timeoutMs) {
  for (let hops = 0; ; hops += 1) {
    const protocol = new URL(url).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw unavailable(`cannot download ${url}: only http and https are followed`);
    }
    const response = await new Promise((resolve, reject) => {
      const get = protocol === 'https:' ? https.get : http.get;
      const request = get(url, { timeout: timeoutMs }, resolve);
      request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      request.on('error', (err) => reject(unavailable(`cannot download ${url}: ${err.message}`)));
    });
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(response.statusCode) || !location) return response;
    response.resume();
    if (hops >= MAX_REDIRECTS) throw unavailable(`cannot download ${url}: too many redirects`);
    url = new URL(location, url).toString();
  }
}

/**
 * Downloads `url` into `path`, all or nothing: the bytes go to
 * `path + '.part'`, renamed into place once complete. Rejects with the
 * file system's error when the file cannot be written (an unwritable path is
 * found before anything is fetched), and with a GatewayError UNAVAILABLE
 * when the link fails (the HTTP status is in the message) or the body is
 * cut. Resolves to {path, size, sha256 (hex), contentType}.
 */
async function download(url, path, { onProgress = null, timeoutMs = 60000 } = {}) {
  if (!url) {
    throw new GatewayError({ code: grpc.status.FAILED_PRECONDITION,
      details: 'the task has no video URL (did it succeed?)' });
  }
  const partial = `${path}.part`;
  const out = await fs.promises.open(partial, 'w');
  const hash = crypto.createHash('sha256');
  let size = 0;
  let contentType = '';
  try {
    const response = await fetch(url, timeoutMs);
    if (response.statusCode !== 200) {
      response.resume();
      throw unavailable(
        `the video URL answered HTTP ${response.statusCode} (the provider's links expire)`);
    }
    const header = response.headers['content-length'];
    const total = header && /^\d+$/.test(header) ? Number(header) : null;
    contentType = (response.headers['content-type'] || '').split(';')[0].trim();
    if (onProgress) onProgress(0, total);
    const meter = new Transform({
      transform(chunk, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        if (onProgress) onProgress(size, total);
        done(null, chunk);
      },
    });
    try {
      await pipeline(response, meter, out.createWriteStream());
    } catch (err) {
      if (FILE_ERRORS.has(err.code)) throw err;
      throw unavailable(`cannot download ${url}: ${err.message}`);
    }
    if (total !== null && size !== total) {
      throw unavailable(`the download of ${url} ended after ${size} of ${total} bytes`);
    }
  } catch (err) {
    await out.close().catch(() => {}); // already closed after a pipeline
    await fs.promises.rm(partial, { force: true });
    throw err;
  }
  await fs.promises.rename(partial, path);
  return { path, size, sha256: hash.digest('hex'), contentType };
}

// A file written as `path + '.part'`, its bytes appended in order and
// hashed on the way, renamed into place by commit() (downloadContent).
class PartialFile {
  /** Opens `path + '.part'`: an unwritable path fails here, before any call. */
  static async create(path) {
    const partial = `${path}.part`;
    return new PartialFile(path, partial, await fs.promises.open(partial, 'w'));
  }

  constructor(path, partial, handle) {
    this.path = path;
    this.partial = partial;
    this.handle = handle;
    this.hash = crypto.createHash('sha256');
    this.size = 0; // the bytes written so far
  }

  async append(data) {
    for (let done = 0; done < data.length;) {
      const { bytesWritten } =
        await this.handle.write(data, done, data.length - done, this.size + done);
      done += bytesWritten;
    }
    this.hash.update(data);
    this.size += data.length;
  }

  /** The hex SHA-256 of the bytes appended; once, at the end. */
  sha256() {
    return this.hash.digest('hex');
  }

  async commit() {
    await this.handle.close();
    await fs.promises.rename(this.partial, this.path);
  }

  /** Removes the .part file; after a failure. */
  async discard() {
    await this.handle.close().catch(() => {}); // closed already after a commit
    await fs.promises.rm(this.partial, { force: true });
  }
}

module.exports = { PartialFile, download };
