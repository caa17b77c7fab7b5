// The one place where AWS and credential failures become gateway errors: a code from one enum plus
// the facts a user needs to find the broken account or Region. The GraphQL layer puts these facts in
// errors[].extensions and in AccessFailure data.

export const ERROR_CODES = [
  'ACCESS_DENIED',
  'ROLE_NOT_ASSUMABLE',
  'REGION_NOT_ENABLED',
  'THROTTLED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_ERROR',
  'BAD_USER_INPUT',
] as const;

export type GatewayErrorCode = (typeof ERROR_CODES)[number];

export interface AwsCallErrorFacts {
  code: GatewayErrorCode;
  message: string;
  accountId?: string;
  region?: string;
  service?: string;
  operation?: string;
  awsErrorCode?: string;
  requestId?: string;
  retryable: boolean;
}

/** A failed AWS call (or role assumption), classified. Its message never contains a secret. */
export class AwsCallError extends Error {
  readonly code: GatewayErrorCode;
  readonly accountId?: string;
  readonly region?: string;
  readonly service?: string;
  readonly operation?: string;
  readonly awsErrorCode?: string;
  readonly requestId?: string;
  readonly retryable: boolean;

  constructor(facts: AwsCallErrorFacts, options?: { cause?: unknown }) {
    super(facts.message, options);
    this.name = 'AwsCallError';
    this.code = facts.code;
    if (facts.accountId !== undefined) this.accountId = facts.accountId;
    if (facts.region !== undefined) this.region = facts.region;
    if (facts.service !== undefined) this.service = facts.service;
    if (facts.operation !== undefined) this.operation = facts.operation;
    if (facts.awsErrorCode !== undefined) this.awsErrorCode = facts.awsErrorCode;
    if (facts.requestId !== undefined) this.requestId = facts.requestId;
    this.retryable = facts.retryable;
  }

  facts(): AwsCallErrorFacts {
    return {
      code: this.code,
      message: this.message,
      ...(this.accountId !== undefined ? { accountId: this.accountId } : {}),
      ...(this.region !== undefined ? { region: this.region } : {}),
      ...(this.service !== undefined ? { service: this.service } : {}),
      ...(this.operation !== undefined ? { operation: this.operation } : {}),
      ...(this.awsErrorCode !== undefined ? { awsErrorCode: this.awsErrorCode } : {}),
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
      retryable: this.retryable,
    };
  }
}
