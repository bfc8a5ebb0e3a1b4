/**
 * Keep-alive HTTP and HTTPS agents on the keyed resource pool, usable anywhere an `http.Agent`
 * is accepted.
 *
 * @module poolkit/http
 */
export { Agent, HttpsAgent } from './agent.js';
export type { AgentStats, OriginStats } from './engine.js';
export type { AgentOptions } from './options.js';
