// The two ways Roles Anywhere can fail: our own configuration is wrong (found before any network call),
// or the service refused the CreateSession call. Messages name the option, file or ARNs concerned and
// never carry key material, passphrases or credentials.

/** The configuration option an error is about (the field name of RolesAnywhereOptions). */
export type RolesAnywhereOption =
  | 'certificate'
  | 'intermediates'
  | 'privateKey'
  | 'passphraseEnv'
  | 'passphraseFile'
  | 'trustAnchorArn'
  | 'profileArn'
  | 'roleArn'
  | 'durationSeconds'
  | 'roleSessionName'
  | 'endpoint'
  | 'refreshWindowSeconds';

export class RolesAnywhereConfigError extends Error {
  override readonly name = 'RolesAnywhereConfigError';

  constructor(
    /** The option at fault. */
    readonly option: RolesAnywhereOption,
    message: string,
    /** The file concerned, when the option names one. */
    readonly path?: string,
  ) {
    super(`Roles Anywhere ${option}${path ? ` (${path})` : ''}: ${message}`);
  }
}

export interface RolesAnywhereTarget {
  trustAnchorArn: string;
  profileArn: string;
  roleArn: string;
}

/** CreateSession answered with an error (or could not be reached). */
export class RolesAnywhereServiceError extends Error {
  override readonly name = 'RolesAnywhereServiceError';
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;

  constructor(
    /** AWS error code (AccessDeniedException, ValidationException, ...) or a transport code. */
    readonly code: string,
    /** The service's own message, as sent. */
    readonly serviceMessage: string,
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
    target: RolesAnywhereTarget,
    readonly requestId?: string,
    /** True for answers worth another attempt (5xx, throttling, network errors). */
    readonly retryable = false,
  ) {
    super(
      `Roles Anywhere CreateSession failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${serviceMessage} ` +
        `[trust anchor ${target.trustAnchorArn}, profile ${target.profileArn}, role ${target.roleArn}` +
        `${requestId ? `, request id ${requestId}` : ''}]`,
    );
    this.trustAnchorArn = target.trustAnchorArn;
    this.profileArn = target.profileArn;
    this.roleArn = target.roleArn;
  }
}
