/**
 * Every error poolkit throws is a {@link PoolkitError} with a stable `code`. The subclasses are
 * made from one table ({@link ERROR_TABLE}) so that names, codes and the documented summaries
 * cannot drift apart (the idea of fastify's error factory, without its string templates).
 * `docs/errors.md` is generated from the same table (`npm run docs:errors`) and a test checks
 * that it is current.
 *
 * @module
 */

/** Extra options every poolkit error accepts. */
export interface PoolkitErrorOptions {
  /** The underlying error, forwarded as the standard `cause`. */
  readonly cause?: unknown;
  /** Structured details assigned (read-only) onto the error, e.g. `option`, `phase`, `stats`. */
  readonly [detail: string]: unknown;
}

/**
 * The table of every error class: its name, its code, and one sentence saying when it is
 * thrown and what to do. Add a row here to add an error; the class, the docs page and the
 * `PoolkitErrorCode` type follow from it.
 */
export const ERROR_TABLE = {
  InvalidOptionError: {
    code: 'POOLKIT_INVALID_OPTION',
    family: 'all',
    summary: 'An option or argument has the wrong type or is out of range. `option` names it; fix the call.',
  },
  UnknownOptionError: {
    code: 'POOLKIT_UNKNOWN_OPTION',
    family: 'all',
    summary: 'An options object has a key the constructor does not know (often a typo). `option` names it.',
  },
  ClosedError: {
    code: 'POOLKIT_CLOSED',
    family: 'all',
    summary: 'The pool is closing or closed; the call was refused (or the waiting call was rejected) at once.',
  },
  AbortError: {
    code: 'POOLKIT_ABORTED',
    family: 'all',
    summary:
      'The operation was aborted. Calls given an `AbortSignal` reject with `signal.reason` itself; this error is used only where no reason exists.',
  },
  AcquireTimeoutError: {
    code: 'POOLKIT_ACQUIRE_TIMEOUT',
    family: 'resource',
    summary:
      'An acquire did not get a resource before its deadline. `phase` says where the time went (`queue`, `create` or `validate`), `stats` is a snapshot, `cause` the last create error.',
  },
  CreateFailedError: {
    code: 'POOLKIT_CREATE_FAILED',
    family: 'resource',
    summary:
      "The factory's `create` threw or rejected; `cause` holds its error. Acquires keep waiting until their deadline.",
  },
  CreateTimeoutError: {
    code: 'POOLKIT_CREATE_TIMEOUT',
    family: 'resource',
    summary: "The factory's `create` ran past `createTimeoutMs`; its signal was aborted and the slot freed.",
  },
  ValidateTimeoutError: {
    code: 'POOLKIT_VALIDATE_TIMEOUT',
    family: 'resource',
    summary: "The factory's `validate` ran past `validateTimeoutMs`; the resource was destroyed.",
  },
  DestroyTimeoutError: {
    code: 'POOLKIT_DESTROY_TIMEOUT',
    family: 'resource',
    summary: "The factory's `destroy` ran past `destroyTimeoutMs`; the pool stopped waiting for it and freed the slot.",
  },
  QueueFullError: {
    code: 'POOLKIT_QUEUE_FULL',
    family: 'resource, tasks',
    summary: 'The wait queue is at its limit (`maxWaiting` / `maxQueued`); the call was refused at once.',
  },
  PoolExhaustedError: {
    code: 'POOLKIT_POOL_EXHAUSTED',
    family: 'object, buffer, resource, tasks',
    summary: 'A non-waiting call (`tryAcquire`, `tryRun`, `SharedBufferPool#acquireOrThrow`) found no free capacity.',
  },
  DoubleReleaseError: {
    code: 'POOLKIT_DOUBLE_RELEASE',
    family: 'object, buffer, resource',
    summary: 'An object, buffer or lease was released twice, or released after it was destroyed.',
  },
  ForeignReleaseError: {
    code: 'POOLKIT_FOREIGN_RELEASE',
    family: 'object, buffer, resource',
    summary: 'Something was released to a pool that did not lend it (another pool, a plain allocation, a slab slice).',
  },
  LeakDetectedError: {
    code: 'POOLKIT_LEAK_DETECTED',
    family: 'object, buffer, resource',
    summary:
      'A lease was held longer than `leakDetectionMs`, or a sampled pooled object was garbage collected without being released; reported (not thrown) with the acquire stack (`stack`, or `acquireStack` for object pools).',
  },
  TaskTimeoutError: {
    code: 'POOLKIT_TASK_TIMEOUT',
    family: 'tasks, threads',
    summary: 'A task ran past `timeoutMs`; its signal was aborted. `phase` is `run`.',
  },
  QueueTimeoutError: {
    code: 'POOLKIT_QUEUE_TIMEOUT',
    family: 'tasks, threads',
    summary:
      'A task waited in the queue past its `deadline` / `queueTimeoutMs` and was never started. `phase` is `queue`.',
  },
  DeadlockError: {
    code: 'POOLKIT_DEADLOCK',
    family: 'tasks',
    summary:
      'A task waited on its own saturated pool (nested submit); detected through AsyncLocalStorage when enabled.',
  },
  LockLostError: {
    code: 'POOLKIT_LOCK_LOST',
    family: 'tasks, bullmq',
    summary:
      "A consumed task's heartbeat failed: its source has given it up or handed it to another consumer (BullMQ: the job's lock was lost). The handler's signal aborts with this error and the task is neither acked nor nacked; `cause` holds the source's error.",
  },
  WorkerExitedError: {
    code: 'POOLKIT_WORKER_EXITED',
    family: 'threads',
    summary:
      'The worker thread running the task died (exit, crash, resource limits); `exitCode` and `taskId` tell which.',
  },
  WorkerStartError: {
    code: 'POOLKIT_WORKER_START_FAILED',
    family: 'threads',
    summary: 'Workers failed repeatedly at start and the breaker tripped; `cause` holds the last start error.',
  },
  DataCloneError: {
    code: 'POOLKIT_DATA_CLONE',
    family: 'threads',
    summary:
      'A task input or result cannot be sent between threads (structured clone failed); `path` hints at the value.',
  },
  ConnectTimeoutError: {
    code: 'POOLKIT_CONNECT_TIMEOUT',
    family: 'net, http, memcached',
    summary: 'A socket did not connect within `connectTimeoutMs`; the attempt was destroyed.',
  },
  RequestTimeoutError: {
    code: 'POOLKIT_REQUEST_TIMEOUT',
    family: 'net, http, memcached',
    summary:
      'A request got no complete reply within `timeoutMs`; the connection it used was closed (its stream is out of step).',
  },
  ConnectionClosedError: {
    code: 'POOLKIT_CONNECTION_CLOSED',
    family: 'net, http, memcached, adapters',
    summary: 'The server closed or reset the connection while a call was using it.',
  },
  CacheMissError: {
    code: 'POOLKIT_CACHE_MISS',
    family: 'memcached',
    summary: 'The key is not in the cache (memcached `END` without a value, `NOT_FOUND`).',
  },
  NotStoredError: {
    code: 'POOLKIT_NOT_STORED',
    family: 'memcached',
    summary: 'memcached refused to store (an `add` of an existing key, a `replace` of a missing one).',
  },
  ServerError: {
    code: 'POOLKIT_SERVER_ERROR',
    family: 'memcached, adapters',
    summary: 'The server answered with an error (`SERVER_ERROR`, `CLIENT_ERROR`, `ERROR`); the message is kept.',
  },
  BadKeyError: {
    code: 'POOLKIT_BAD_KEY',
    family: 'memcached',
    summary: 'A key is empty, longer than 250 bytes, or contains whitespace or control characters.',
  },
  ValueTooBigError: {
    code: 'POOLKIT_VALUE_TOO_BIG',
    family: 'memcached',
    summary: 'A value is larger than the configured item size limit (1 MiB by default).',
  },
  ProtocolError: {
    code: 'POOLKIT_PROTOCOL_ERROR',
    family: 'memcached, adapters',
    summary: 'The server sent something the client cannot parse; the connection is destroyed.',
  },
  DriverMissingError: {
    code: 'POOLKIT_DRIVER_MISSING',
    family: 'adapters',
    summary: 'An adapter needs an optional peer dependency (`pg`, `mysql2`, `redis`, `bullmq`) that is not installed.',
  },
  TransactionError: {
    code: 'POOLKIT_TRANSACTION_FAILED',
    family: 'adapters',
    summary: 'A transaction could not be rolled back; the connection was destroyed. `cause` holds the original error.',
  },
} as const satisfies Record<
  string,
  { readonly code: `POOLKIT_${string}`; readonly family: string; readonly summary: string }
>;

/** The name of an error class in {@link ERROR_TABLE}. */
export type PoolkitErrorName = keyof typeof ERROR_TABLE;

/** Every stable error code poolkit uses. */
export type PoolkitErrorCode = (typeof ERROR_TABLE)[PoolkitErrorName]['code'];

/**
 * The base class of every poolkit error. Check `err.code` (a stable `POOLKIT_*` string) rather
 * than the message, which may change.
 */
export class PoolkitError extends Error {
  /** A stable, documented code such as `POOLKIT_ACQUIRE_TIMEOUT`. */
  readonly code: PoolkitErrorCode;

  constructor(code: PoolkitErrorCode, message: string, options: PoolkitErrorOptions = {}) {
    const { cause, ...details } = options;
    super(message, 'cause' in options ? { cause } : undefined);
    this.code = code;
    for (const key of Object.keys(details)) {
      Object.defineProperty(this, key, { value: details[key], enumerable: true, writable: false, configurable: true });
    }
  }
}

/** An instance of a {@link PoolkitError} subclass whose code is `C`. */
export type PoolkitErrorOf<C extends PoolkitErrorCode> = PoolkitError & {
  /** The fixed code of this class. */
  readonly code: C;
  /** Details given at construction (`phase`, `stats`, `option`, ...). */
  readonly [detail: string]: unknown;
};

/** A subclass of {@link PoolkitError} with a fixed name and code `C`. */
export interface PoolkitErrorClass<C extends PoolkitErrorCode> {
  /** Creates the error; `options.cause` is forwarded, other keys become read-only details. */
  new (message: string, options?: PoolkitErrorOptions): PoolkitErrorOf<C>;
  /** The code every instance carries. */
  readonly code: C;
}

type CodeOf<N extends PoolkitErrorName> = (typeof ERROR_TABLE)[N]['code'];

function defineError<N extends PoolkitErrorName>(name: N): PoolkitErrorClass<CodeOf<N>> {
  const { code } = ERROR_TABLE[name];
  const ErrorClass = class extends PoolkitError {
    static readonly code = code;
    constructor(message: string, options?: PoolkitErrorOptions) {
      super(code, message, options);
    }
  };
  Object.defineProperty(ErrorClass, 'name', { value: name });
  Object.defineProperty(ErrorClass.prototype, 'name', { value: name, writable: true, configurable: true });
  return ErrorClass as unknown as PoolkitErrorClass<CodeOf<N>>;
}

/** Thrown for an option or argument of the wrong type or out of range (`POOLKIT_INVALID_OPTION`). */
export const InvalidOptionError = defineError('InvalidOptionError');
/** Thrown for an unknown key in an options object (`POOLKIT_UNKNOWN_OPTION`). */
export const UnknownOptionError = defineError('UnknownOptionError');
/** Thrown by calls to a closing or closed pool (`POOLKIT_CLOSED`). */
export const ClosedError = defineError('ClosedError');
/** Used for an abort without a `signal.reason` (`POOLKIT_ABORTED`). */
export const AbortError = defineError('AbortError');
/** An acquire ran past its deadline (`POOLKIT_ACQUIRE_TIMEOUT`). */
export const AcquireTimeoutError = defineError('AcquireTimeoutError');
/** The factory's create failed (`POOLKIT_CREATE_FAILED`). */
export const CreateFailedError = defineError('CreateFailedError');
/** The factory's create ran past its timeout (`POOLKIT_CREATE_TIMEOUT`). */
export const CreateTimeoutError = defineError('CreateTimeoutError');
/** The factory's validate ran past its timeout (`POOLKIT_VALIDATE_TIMEOUT`). */
export const ValidateTimeoutError = defineError('ValidateTimeoutError');
/** The factory's destroy ran past its timeout (`POOLKIT_DESTROY_TIMEOUT`). */
export const DestroyTimeoutError = defineError('DestroyTimeoutError');
/** The wait queue is full (`POOLKIT_QUEUE_FULL`). */
export const QueueFullError = defineError('QueueFullError');
/** A non-waiting call found no capacity (`POOLKIT_POOL_EXHAUSTED`). */
export const PoolExhaustedError = defineError('PoolExhaustedError');
/** Released twice or after destroy (`POOLKIT_DOUBLE_RELEASE`). */
export const DoubleReleaseError = defineError('DoubleReleaseError');
/** Released to a pool that did not lend it (`POOLKIT_FOREIGN_RELEASE`). */
export const ForeignReleaseError = defineError('ForeignReleaseError');
/** A lease held past `leakDetectionMs`, reported with its acquire stack (`POOLKIT_LEAK_DETECTED`). */
export const LeakDetectedError = defineError('LeakDetectedError');
/** A task ran past its run timeout (`POOLKIT_TASK_TIMEOUT`). */
export const TaskTimeoutError = defineError('TaskTimeoutError');
/** A task waited in the queue past its deadline (`POOLKIT_QUEUE_TIMEOUT`). */
export const QueueTimeoutError = defineError('QueueTimeoutError');
/** A task waited on its own saturated pool (`POOLKIT_DEADLOCK`). */
export const DeadlockError = defineError('DeadlockError');
/** A consumed task's heartbeat failed: its source no longer holds it for us (`POOLKIT_LOCK_LOST`). */
export const LockLostError = defineError('LockLostError');
/** The worker thread running a task died (`POOLKIT_WORKER_EXITED`). */
export const WorkerExitedError = defineError('WorkerExitedError');
/** Workers keep failing at start; the breaker tripped (`POOLKIT_WORKER_START_FAILED`). */
export const WorkerStartError = defineError('WorkerStartError');
/** A value could not be cloned between threads (`POOLKIT_DATA_CLONE`). */
export const DataCloneError = defineError('DataCloneError');
/** A socket did not connect in time (`POOLKIT_CONNECT_TIMEOUT`). */
export const ConnectTimeoutError = defineError('ConnectTimeoutError');
/** A request got no reply in time (`POOLKIT_REQUEST_TIMEOUT`). */
export const RequestTimeoutError = defineError('RequestTimeoutError');
/** The connection was closed or reset under a call (`POOLKIT_CONNECTION_CLOSED`). */
export const ConnectionClosedError = defineError('ConnectionClosedError');
/** A memcached key was not found (`POOLKIT_CACHE_MISS`). */
export const CacheMissError = defineError('CacheMissError');
/** memcached did not store the value (`POOLKIT_NOT_STORED`). */
export const NotStoredError = defineError('NotStoredError');
/** The server answered with an error (`POOLKIT_SERVER_ERROR`). */
export const ServerError = defineError('ServerError');
/** An invalid memcached key (`POOLKIT_BAD_KEY`). */
export const BadKeyError = defineError('BadKeyError');
/** A value above the item size limit (`POOLKIT_VALUE_TOO_BIG`). */
export const ValueTooBigError = defineError('ValueTooBigError');
/** The server sent something unparseable (`POOLKIT_PROTOCOL_ERROR`). */
export const ProtocolError = defineError('ProtocolError');
/** An optional driver is not installed (`POOLKIT_DRIVER_MISSING`). */
export const DriverMissingError = defineError('DriverMissingError');
/** A transaction could not be rolled back (`POOLKIT_TRANSACTION_FAILED`). */
export const TransactionError = defineError('TransactionError');

/**
 * The rejection value for an aborted signal: `signal.reason` when set (the platform's
 * convention), otherwise an {@link AbortError}.
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new AbortError('The operation was aborted');
}
