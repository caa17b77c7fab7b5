// Public surface of the native IAM Roles Anywhere client.
export { fromRolesAnywhere } from './provider.js';
export type {
  RolesAnywhereProvider,
  RolesAnywhereCredentials,
  RolesAnywhereDeps,
  RolesAnywhereProviderStats,
} from './provider.js';
export type { RolesAnywhereOptions } from './options.js';
export { validateRolesAnywhere, loadRolesAnywhere } from './validate.js';
export type { RolesAnywhereSummary, RolesAnywhereSettings, RolesAnywhereMaterial } from './validate.js';
export { RolesAnywhereConfigError, RolesAnywhereServiceError } from './errors.js';
export type { RolesAnywhereOption } from './errors.js';
export { createSession, nodeHttpTransport } from './create-session.js';
export type { HttpTransport, RolesAnywhereSession } from './create-session.js';
export { signCreateSessionRequest, formatAmzDate } from './signer.js';
export type { X509SigningAlgorithm } from './signer.js';
