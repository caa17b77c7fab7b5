// orgraph's library entry. This file is the public API; importing it has no side effects.
export { createGateway } from './gateway.js';
export type { Gateway, GatewayDeps, QueryResult } from './gateway.js';
export { loadOrgraphConfig, parseOrgraphConfig, OrgraphConfigError } from './config/orgraph-config.js';
export type { OrgraphConfig } from './config/orgraph-config.js';
export { startSim } from './sim/index.js';
export type { RunningSim, SimOptions } from './sim/index.js';
export { fromRolesAnywhere, validateRolesAnywhere } from './credentials/roles-anywhere/index.js';
export { AwsCallError } from './aws/errors.js';
export { startServer, ServeRefusedError } from './server/index.js';
export type { RunningServer, StartServerOptions } from './server/index.js';
export type { AwsCallEvent, AwsCallObserver } from './aws/call-observer.js';
