// orgraph's library entry. This file is the public API; importing it has no side effects.
// A deliberate set: build a gateway from a configuration, run operations, observe its AWS calls,
// serve it over HTTP; the simulated AWS for trying it out; Roles Anywhere credentials. The layers
// (data, loaders, broker, pool) are not exported: they change without notice.
export { createGateway } from './gateway.js';
export type {
  Gateway,
  GatewayContext,
  GatewayDeps,
  GatewayIdentity,
  GatewayPlugin,
  GatewayRequest,
  GatewayStats,
  MemberAccounts,
  QueryResult,
  Readiness,
} from './gateway.js';
export { loadOrgraphConfig, parseOrgraphConfig, OrgraphConfigError } from './config/orgraph-config.js';
export type { OrgraphConfig } from './config/orgraph-config.js';
export { startSim } from './sim/index.js';
export type { RunningSim, SimOptions } from './sim/index.js';
export { fromRolesAnywhere, validateRolesAnywhere } from './credentials/roles-anywhere/index.js';
export { AwsCallError } from './aws/errors.js';
export { startServer, ServeRefusedError } from './server/index.js';
export type { RunningServer, StartServerOptions } from './server/index.js';
export type { AwsCallEvent, AwsCallObserver } from './aws/call-observer.js';
export { countAwsCalls } from './aws/call-observer.js';
export type { AwsCallCounter } from './aws/call-observer.js';
