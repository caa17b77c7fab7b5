// The error each AWS service answers for the failures the sim's core detects before a service sees
// the request: authentication, authorization, throttling and injected faults. The codes and statuses
// differ per service (and protocol); this table is the one place they are written down.
import type { ServiceName } from './types.js';
import { SimError } from './types.js';

export type CoreFailure =
  | 'missing-auth'
  | 'unknown-key'
  | 'bad-signature'
  /** The credential scope names another service or a Region the service does not serve. */
  | 'bad-scope'
  | 'bad-token'
  | 'expired-token'
  | 'signature-expired'
  | 'access-denied'
  | 'throttled'
  | 'internal'
  | 'unavailable';

type Table = Record<CoreFailure, [code: string, status: number]>;

const TABLES: Record<ServiceName, Table> = {
  sts: {
    'missing-auth': ['MissingAuthenticationToken', 403],
    'unknown-key': ['InvalidClientTokenId', 403],
    'bad-signature': ['SignatureDoesNotMatch', 403],
    'bad-scope': ['SignatureDoesNotMatch', 403],
    'bad-token': ['InvalidClientTokenId', 403],
    // 403 as in the STS API reference's common errors (ExpiredToken / ExpiredTokenException: 403).
    'expired-token': ['ExpiredToken', 403],
    'signature-expired': ['SignatureDoesNotMatch', 403],
    'access-denied': ['AccessDenied', 403],
    throttled: ['Throttling', 400],
    internal: ['InternalFailure', 500],
    unavailable: ['ServiceUnavailable', 503],
  },
  ec2: {
    'missing-auth': ['MissingAuthenticationToken', 401],
    'unknown-key': ['AuthFailure', 401],
    'bad-signature': ['AuthFailure', 401],
    'bad-scope': ['AuthFailure', 401],
    'bad-token': ['AuthFailure', 401],
    'expired-token': ['RequestExpired', 400],
    'signature-expired': ['RequestExpired', 400],
    'access-denied': ['UnauthorizedOperation', 403],
    throttled: ['RequestLimitExceeded', 503],
    internal: ['InternalError', 500],
    unavailable: ['Unavailable', 503],
  },
  organizations: {
    'missing-auth': ['MissingAuthenticationTokenException', 400],
    'unknown-key': ['UnrecognizedClientException', 400],
    'bad-signature': ['InvalidSignatureException', 400],
    'bad-scope': ['InvalidSignatureException', 400],
    'bad-token': ['UnrecognizedClientException', 400],
    'expired-token': ['ExpiredTokenException', 400],
    'signature-expired': ['InvalidSignatureException', 400],
    'access-denied': ['AccessDeniedException', 400],
    throttled: ['TooManyRequestsException', 400],
    internal: ['ServiceException', 500],
    unavailable: ['ServiceException', 503],
  },
  rolesanywhere: {
    'missing-auth': ['AccessDeniedException', 403],
    'unknown-key': ['AccessDeniedException', 403],
    'bad-signature': ['AccessDeniedException', 403],
    'bad-scope': ['AccessDeniedException', 403],
    'bad-token': ['AccessDeniedException', 403],
    'expired-token': ['AccessDeniedException', 403],
    'signature-expired': ['AccessDeniedException', 403],
    'access-denied': ['AccessDeniedException', 403],
    throttled: ['ThrottlingException', 429],
    internal: ['InternalServerException', 500],
    unavailable: ['InternalServerException', 503],
  },
};

const DEFAULT_MESSAGES: Record<CoreFailure, string> = {
  'missing-auth': 'Request is missing Authentication Token',
  'unknown-key': 'The security token included in the request is invalid.',
  'bad-signature': 'The request signature we calculated does not match the signature you provided.',
  'bad-scope': 'Credential should be scoped to a valid region. ',
  'bad-token': 'The security token included in the request is invalid.',
  'expired-token': 'The security token included in the request is expired',
  'signature-expired': 'Signature expired.',
  'access-denied': 'Access denied.',
  throttled: 'Rate exceeded',
  internal: 'We encountered an internal error. Please try again.',
  unavailable: 'The service is unavailable. Please try again shortly.',
};

export function coreError(service: ServiceName, failure: CoreFailure, message?: string): SimError {
  const [code, status] = TABLES[service][failure];
  let text = message ?? DEFAULT_MESSAGES[failure];
  if (
    service === 'ec2' &&
    (failure === 'unknown-key' || failure === 'bad-signature' || failure === 'bad-token')
  ) {
    text = 'AWS was not able to validate the provided access credentials';
  }
  if (service === 'ec2' && failure === 'expired-token') text = 'Request has expired.';
  if (service === 'ec2' && failure === 'throttled') text = 'Request limit exceeded.';
  return new SimError(code, text, status);
}
