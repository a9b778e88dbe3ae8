'use strict';
// Gateway errors with their google.rpc details decoded. The gateway sends a
// google.rpc.Status in the `grpc-status-details-bin` trailer: BadRequest
// (every bad field), RetryInfo (when to retry) and ErrorInfo (a reason, the
// upstream's code and trace id). A task that did not succeed carries the
// same Status in VideoTask.error. Decoded with protobufjs from the package's
// proto/google/rpc files.
//
//   try { await client.create(spec); } catch (err) {
//     const d = errorDetails(err);   // or err.details for a GatewayError
//     console.log(d.codeName, d.fieldViolations, d.retryDelayMs, d.reason);
//   }

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protobuf = require('protobufjs');

// The protos travel inside the package (proto/, copied there by `npm pack`,
// see scripts/protos.js); a checkout of the repository uses its proto/.
const PROTO_DIR = process.env.SEEDANCE_PROTO_DIR ||
  [path.join(__dirname, 'proto'), path.resolve(__dirname, '..', '..', 'proto')]
    .find((dir) => fs.existsSync(path.join(dir, 'seedance', 'v1', 'video_gateway.proto')));
if (!PROTO_DIR) throw new Error(`seedance-gateway-client: no proto/ next to ${__dirname}`);

// google/protobuf/{any,duration}.proto, which these import, are bundled
// with protobufjs.
const rpcRoot = protobuf.loadSync(
  ['google/rpc/status.proto', 'google/rpc/error_details.proto'].map((f) => path.join(PROTO_DIR, f)));
const Status = rpcRoot.lookupType('google.rpc.Status');
const DETAILS_KEY = 'grpc-status-details-bin';

/** "INVALID_ARGUMENT" for 3, as google.rpc.Code names them. */
function codeName(code) {
  return grpc.status[code] || `CODE_${code}`;
}

function durationMs(d) {
  return Number(d.seconds || 0) * 1000 + Math.round((d.nanos || 0) / 1e6);
}

/**
 * Decodes a google.rpc.Status: a protobufjs message or a plain object (as
 * proto-loader gives VideoTask.error), details as {typeUrl|type_url, value}.
 * Returns {code, codeName, message, fieldViolations: [{field, description}],
 * retryDelayMs (null if none), reason, domain, metadata}.
 */
function statusDetails(status) {
  const details = {
    code: status.code || 0,
    codeName: codeName(status.code || 0),
    message: status.message || '',
    fieldViolations: [],
    retryDelayMs: null,
    reason: '',
    domain: '',
    metadata: {},
  };
  for (const any of status.details || []) {
    const typeUrl = any.typeUrl || any.type_url || '';
    const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    let type;
    try {
      type = rpcRoot.lookupType(name);
    } catch (e) {
      continue; // a detail type we do not know: skipped
    }
    const detail = type.toObject(type.decode(any.value), { longs: Number, defaults: true });
    if (name === 'google.rpc.BadRequest') {
      for (const v of detail.fieldViolations) {
        details.fieldViolations.push({ field: v.field, description: v.description });
      }
    } else if (name === 'google.rpc.RetryInfo' && detail.retryDelay) {
      details.retryDelayMs = durationMs(detail.retryDelay);
    } else if (name === 'google.rpc.ErrorInfo') {
      details.reason = detail.reason;
      details.domain = detail.domain;
      details.metadata = { ...detail.metadata };
    }
  }
  return details;
}

/** Decodes a failed call's error (a grpc-js ServiceError or a GatewayError). */
function errorDetails(err) {
  if (err instanceof GatewayError) return err.details;
  const trailer = err.metadata && err.metadata.get(DETAILS_KEY);
  if (trailer && trailer.length > 0) return statusDetails(Status.decode(trailer[0]));
  const code = typeof err.code === 'number' ? err.code : grpc.status.UNKNOWN;
  return statusDetails({ code, message: err.details || err.message || '' });
}

/** A failed gateway call; `details` holds everything the gateway said. */
class GatewayError extends Error {
  constructor(cause) {
    const details = errorDetails(cause);
    super(`${details.codeName}: ${details.message}`, { cause });
    this.name = 'GatewayError';
    this.code = details.code;
    this.details = details;
  }
}

module.exports = { GatewayError, PROTO_DIR, codeName, errorDetails, statusDetails };
