/**
 * The test kit: simulated time for any pool, and (as families land) fault factories, fault
 * servers and a model-based fuzzer, so users can test their own code against poolkit's pools.
 *
 * @module poolkit/testing
 */
export { FakeClock, type FakeClockOptions, flushMicrotasks } from './fake-clock.js';
export {
  createFaultFactory,
  type FaultFactory,
  type FaultFactoryOptions,
  type FaultFactoryStats,
  type FaultResource,
  type LatencyDistribution,
  seededRandom,
} from './fault-factory.js';
export { type FaultProxy, type FaultProxyOptions, type FaultProxyStats, startFaultProxy } from './fault-proxy.js';
export { type Fault, type FaultServer, type FaultServerOptions, startFaultServer } from './fault-servers.js';
export { type FuzzContext, FuzzFailure, type FuzzPoolOptions, type FuzzReport, fuzzPool } from './fuzz.js';
