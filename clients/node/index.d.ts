// Type declarations of seedance-gateway-client (seedance.js, errors.js,
// download.js). Messages are the plain objects @grpc/proto-loader makes:
// camelCase fields, enums as their names, 64-bit integers as numbers,
// defaults filled in, and a oneof's case in the field it names (`event`).

import type { ChannelCredentials, ServiceError } from '@grpc/grpc-js';

export type TaskState =
  | 'TASK_STATE_UNSPECIFIED' | 'TASK_STATE_PENDING' | 'TASK_STATE_QUEUED'
  | 'TASK_STATE_RUNNING' | 'TASK_STATE_SUCCEEDED' | 'TASK_STATE_FAILED'
  | 'TASK_STATE_CANCELLED' | 'TASK_STATE_EXPIRED';
export type Resolution = 'RESOLUTION_UNSPECIFIED' | 'RESOLUTION_480P' | 'RESOLUTION_720P'
  | 'RESOLUTION_1080P';
export type AspectRatio = 'ASPECT_RATIO_UNSPECIFIED' | 'ASPECT_RATIO_16_9' | 'ASPECT_RATIO_4_3'
  | 'ASPECT_RATIO_1_1' | 'ASPECT_RATIO_3_4' | 'ASPECT_RATIO_9_16' | 'ASPECT_RATIO_21_9'
  | 'ASPECT_RATIO_ADAPTIVE';
export type ServiceTier = 'SERVICE_TIER_UNSPECIFIED' | 'SERVICE_TIER_DEFAULT' | 'SERVICE_TIER_FLEX';
export type CallbackFormat = 'CALLBACK_FORMAT_UNSPECIFIED' | 'CALLBACK_FORMAT_TASK_EVENT'
  | 'CALLBACK_FORMAT_UPSTREAM';
export type FrameRole = 'FRAME_ROLE_UNSPECIFIED' | 'FRAME_ROLE_FIRST_FRAME'
  | 'FRAME_ROLE_LAST_FRAME';
/** A result file of a task; unspecified: the video. */
export type ResultFile = 'RESULT_FILE_UNSPECIFIED' | 'RESULT_FILE_VIDEO' | 'RESULT_FILE_LAST_FRAME';
export type ContentState = 'CONTENT_STATE_UNSPECIFIED' | 'CONTENT_STATE_PENDING'
  | 'CONTENT_STATE_STORED' | 'CONTENT_STATE_FAILED' | 'CONTENT_STATE_EXPIRED';

export interface Timestamp { seconds: number; nanos: number; }
export interface Duration { seconds: number; nanos: number; }

export interface ImageInput {
  /** https URL or a data URL (data:image/png;base64,...). */
  url: string;
  role?: FrameRole;
}

/** What to generate (seedance.v1.VideoSpec); only model and prompt are required. */
export interface VideoSpec {
  model: string;
  prompt: string;
  images?: ImageInput[];
  resolution?: Resolution;
  ratio?: AspectRatio;
  durationSeconds?: number;
  frames?: number;
  seed?: number;
  cameraFixed?: boolean;
  watermark?: boolean;
  generateAudio?: boolean;
  serviceTier?: ServiceTier;
  returnLastFrame?: boolean;
  executionExpiresAfterSeconds?: number;
  callbackUrl?: string;
  framesPerSecond?: number;
  callbackFormat?: CallbackFormat;
}

/** A google.rpc.Status as proto-loader gives it (VideoTask.error). */
export interface RpcStatus {
  code: number;
  message: string;
  details: Array<{ typeUrl: string; value: Buffer }>;
}

/** The gateway's copy of one result file (ReadVideoContent serves it). */
export interface ContentCopy {
  state: ContentState;
  /** contentType, sizeBytes and sha256 (hex) are set when STORED. */
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** Why it could not be kept, when FAILED. */
  error: RpcStatus | null;
  storeTime: Timestamp | null;
  /** Unset when kept for good. */
  expireTime: Timestamp | null;
}

export interface VideoTask {
  taskId: string;
  requestId: string;
  spec: VideoSpec | null;
  state: TaskState;
  sequence: number;
  createTime: Timestamp | null;
  updateTime: Timestamp | null;
  endTime: Timestamp | null;
  expireTime: Timestamp | null;
  result: { videoUrl: string; lastFrameUrl: string; model: string } | null;
  error: RpcStatus | null;
  upstream: { taskId: string; providerTaskId: string; traceId: string } | null;
  notes: string[];
  /** PENDING in the SUCCEEDED event; later changes are seen with get(). */
  videoContent: ContentCopy | null;
  lastFrameContent: ContentCopy | null;
}

/** One state change: sequence 1, 2, ... per task, without gaps. */
export interface TaskEvent {
  taskId: string;
  sequence: number;
  state: TaskState;
  eventTime: Timestamp | null;
  /** The whole task after the change. */
  task: VideoTask | null;
}

/** Sent while nothing changes. */
export interface Heartbeat {
  taskId: string;
  state: TaskState;
  /** The latest sequence. */
  sequence: number;
  /** Since the task was created. */
  elapsed: Duration | null;
  time: Timestamp | null;
}

export type WatchMessage =
  | { event: 'status'; status: TaskEvent; heartbeat?: null }
  | { event: 'heartbeat'; heartbeat: Heartbeat; status?: null };

export interface ListVideoTasksResponse { tasks: VideoTask[]; nextPageToken: string; }
export interface ModelInfo {
  model: string;
  textToVideo: boolean;
  imageToVideo: boolean;
  firstLastFrame: boolean;
  requiresImage: boolean;
  audio: boolean;
}
export interface ListModelsResponse { models: ModelInfo[]; }

/** A google.rpc.Status, decoded. */
export interface ErrorDetails {
  code: number;
  /** 'INVALID_ARGUMENT' and so on. */
  codeName: string;
  message: string;
  /** BadRequest: field paths such as 'spec.duration_seconds'. */
  fieldViolations: Array<{ field: string; description: string }>;
  /** RetryInfo; null when not given. */
  retryDelayMs: number | null;
  /** ErrorInfo. */
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/** A failed gateway call; `details` holds everything the gateway said. */
export class GatewayError extends Error {
  constructor(cause: ServiceError | { code: number; details?: string; message?: string });
  readonly code: number;
  readonly details: ErrorDetails;
}

export interface GatewayClientOptions {
  /** Default: insecure (plaintext). */
  credentials?: ChannelCredentials;
  /** Per unary call; default 30000. */
  callTimeoutMs?: number;
  /** First delay between reconnects (doubling to 10000); default 200. */
  reconnectDelayMs?: number;
  /** Failures in a row without progress before watch() gives up; default 20. */
  maxReconnects?: number;
  /** Told each time watch() resumes a broken stream. */
  onReconnect?: (afterSequence: number | undefined, details: ErrorDetails) => void;
}

export interface DownloadResult {
  path: string;
  size: number;
  /** Hex. */
  sha256: string;
  contentType: string;
}

/** Told the bytes received so far and the total (null when not announced). */
export type ProgressCallback = (received: number, total: number | null) => void;

export interface DownloadContentOptions {
  /** Default 'RESULT_FILE_VIDEO'. */
  file?: ResultFile;
  onProgress?: ProgressCallback;
  /**
   * Told before each new call: the bytes written so far, why (a broken
   * stream, or reason 'CONTENT_PENDING' while the gateway still fetches its
   * copy) and the wait before it.
   */
  onRetry?: (received: number, details: ErrorDetails, delayMs: number) => void;
}

export class GatewayClient {
  constructor(address: string, token: string, options?: GatewayClientOptions);
  close(): void;
  /** A fresh requestId by default: a retried call returns the same task. */
  create(spec: VideoSpec, options?: { requestId?: string; validateOnly?: boolean }):
    Promise<VideoTask>;
  get(taskId: string): Promise<VideoTask>;
  list(options?: { states?: TaskState[]; pageSize?: number; pageToken?: string }):
    Promise<ListVideoTasksResponse>;
  cancel(taskId: string): Promise<VideoTask>;
  listModels(): Promise<ListModelsResponse>;
  /**
   * The task's changes (each once, in order) and heartbeats until it ends,
   * resuming broken streams; leaving the loop ends the stream.
   */
  watch(taskId: string, options?: { afterSequence?: number }): AsyncGenerator<WatchMessage, void>;
  /** Watches to the end; the task in its terminal state. */
  wait(taskId: string, options?: { afterSequence?: number; onMessage?: (m: WatchMessage) => void }):
    Promise<VideoTask>;
  /**
   * Saves a succeeded task's result file from the gateway's own copy,
   * resuming broken streams and checked against its SHA-256 (`path + '.part'`
   * until then). Rejects with a GatewayError (DATA_LOSS on a digest mismatch;
   * FAILED_PRECONDITION with details.reason 'CONTENT_NOT_AVAILABLE' when the
   * gateway keeps no copies, then use downloadVideo) or the file system's error.
   */
  downloadContent(taskId: string, path: string, options?: DownloadContentOptions):
    Promise<DownloadResult>;
  /** Saves a succeeded task's video to `path` from the provider's (expiring) videoUrl. */
  downloadVideo(task: VideoTask, path: string, options?: { onProgress?: ProgressCallback }):
    Promise<DownloadResult>;
}

/** Saves `url` to `path`, all or nothing (`path + '.part'` until complete). */
export function download(url: string, path: string,
  options?: { onProgress?: ProgressCallback; timeoutMs?: number }): Promise<DownloadResult>;
export function isTerminal(state: TaskState): boolean;
export function codeName(code: number): string;
export function errorDetails(err: unknown): ErrorDetails;
export function statusDetails(status: RpcStatus): ErrorDetails;
/** The loaded seedance.v1 package (grpc-js service constructors). */
export const v1: Record<string, any>;
