// The errors Organizations answers, with the codes and messages AWS uses. Real Organizations returns
// HTTP 400 for every client error (its model's 403/404/429 httpError traits are not what the wire
// shows) and 500 for ServiceException. InvalidInputException carries a Reason besides the Message.
import type { SimResponse } from '../../types.js';
import { SimError } from '../../types.js';

/** The Reason values of InvalidInputException this module raises. */
export type InvalidInputReason =
  | 'INPUT_REQUIRED'
  | 'INVALID_ENUM'
  | 'INVALID_NEXT_TOKEN'
  | 'INVALID_PATTERN'
  | 'MAX_VALUE_EXCEEDED'
  | 'MIN_VALUE_EXCEEDED';

/** InvalidInputException: the one Organizations error with a field besides Message. */
export class InvalidInputError extends SimError {
  constructor(
    readonly reason: InvalidInputReason,
    message: string,
  ) {
    super('InvalidInputException', message, 400);
  }
}

export const organizationsErrors = {
  accessDenied: () =>
    new SimError('AccessDeniedException', "You don't have permissions to access this resource.", 400),
  notInUse: () =>
    new SimError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
      400,
    ),
  accountNotFound: () =>
    new SimError('AccountNotFoundException', "You specified an account that doesn't exist.", 400),
  parentNotFound: () =>
    new SimError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
      400,
    ),
  childNotFound: () =>
    new SimError(
      'ChildNotFoundException',
      "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      400,
    ),
  organizationalUnitNotFound: () =>
    new SimError(
      'OrganizationalUnitNotFoundException',
      "We can't find an OU with the OrganizationalUnitId that you specified.",
      400,
    ),
  inputRequired: () =>
    new InvalidInputError('INPUT_REQUIRED', 'You must include a value for all required parameters.'),
  invalidPattern: () =>
    new InvalidInputError(
      'INVALID_PATTERN',
      'You provided a value that does not match the required pattern.',
    ),
  invalidEnum: () => new InvalidInputError('INVALID_ENUM', 'You specified an invalid value.'),
  invalidNextToken: () =>
    new InvalidInputError(
      'INVALID_NEXT_TOKEN',
      'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.',
    ),
  maxValueExceeded: () =>
    new InvalidInputError(
      'MAX_VALUE_EXCEEDED',
      'You provided a numeric parameter that has a larger value than allowed.',
    ),
  minValueExceeded: () =>
    new InvalidInputError(
      'MIN_VALUE_EXCEEDED',
      'You provided a numeric parameter that has a smaller value than allowed.',
    ),
  /** A parameter of the wrong JSON type, as the JSON 1.1 front end reports it. */
  serialization: (name: string, expected: string) =>
    new SimError('SerializationException', `Value for ${name} must be a ${expected}`, 400),
};

/**
 * Serializes any SimError (raised here or by the sim's core: signature, throttling, access denied,
 * faults) as AWS JSON 1.1: `{"__type", "Message"}` plus `Reason` for InvalidInputException, with the
 * code in the x-amzn-ErrorType header. The status is the one the error carries.
 */
export function organizationsErrorResponse(err: SimError, requestId: string): SimResponse {
  const body: Record<string, string> = { __type: err.code, Message: err.message };
  if (err instanceof InvalidInputError) body['Reason'] = err.reason;
  return {
    status: err.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': err.code,
    },
    body: JSON.stringify(body),
  };
}
