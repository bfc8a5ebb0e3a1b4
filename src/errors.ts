/**
 * The public error classes. Every one extends {@link PoolkitError} and carries a stable `code`;
 * `docs/errors.md` lists them all.
 *
 * @module
 */
export {
  AbortError,
  AcquireTimeoutError,
  BadKeyError,
  CacheMissError,
  ClosedError,
  ConnectionClosedError,
  ConnectTimeoutError,
  CreateFailedError,
  CreateTimeoutError,
  DataCloneError,
  DeadlockError,
  DestroyTimeoutError,
  DoubleReleaseError,
  DriverMissingError,
  ForeignReleaseError,
  InvalidOptionError,
  LeakDetectedError,
  NotStoredError,
  PoolExhaustedError,
  PoolkitError,
  type PoolkitErrorClass,
  type PoolkitErrorCode,
  type PoolkitErrorOf,
  type PoolkitErrorOptions,
  ProtocolError,
  QueueFullError,
  QueueTimeoutError,
  RequestTimeoutError,
  ServerError,
  TaskTimeoutError,
  TransactionError,
  UnknownOptionError,
  ValidateTimeoutError,
  ValueTooBigError,
  WorkerExitedError,
  WorkerStartError,
} from './internal/errors.js';
