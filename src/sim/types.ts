// Contracts between the sim's HTTP core (server.ts: signature check, routing, knobs, log) and the
// per-service protocol handlers (services/*.ts). A service module owns its wire protocol: how an
// operation is named, how parameters are parsed and how results and errors are serialized.
import type { IncomingHttpHeaders } from 'node:http';
import type { SimRolesAnywhere, SimWorld } from './model.js';
import type { CredentialStore } from './credential-store.js';
import type { SimKnobs } from './knobs.js';

export type ServiceName = 'sts' | 'ec2' | 'organizations' | 'rolesanywhere';

/** Milliseconds since the epoch; injectable so tests move time instead of sleeping. */
export type Clock = () => number;

/** An AWS error as a service would raise it; the service module serializes it in its protocol. */
export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** Query protocols distinguish Sender (client) and Receiver (server) faults. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export interface RawRequest {
  method: string;
  /** Path without the query string, as sent (not decoded). */
  path: string;
  /** The raw query string without '?', possibly ''. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The principal a verified SigV4 signature belongs to. */
export interface Caller {
  accessKeyId: string;
  accountId: string;
  /** arn:aws:iam::<acct>:user/<name> or arn:aws:sts::<acct>:assumed-role/<role>/<session> */
  arn: string;
  /** AIDA... for users; AROA...:<session> for role sessions. */
  userId: string;
  /** For role sessions: the role's ARN (what trust policies name). */
  roleArn?: string;
  isRoleSession: boolean;
  /** Epoch ms; only for temporary credentials. */
  expiresAt?: number;
  permissions: string[];
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface SimContext {
  world: SimWorld;
  credentials: CredentialStore;
  knobs: SimKnobs;
  clock: Clock;
  /** Random source for jitter and fault injection. */
  random: () => number;
  /** Trust anchors and profiles for the Roles Anywhere endpoint; tests register their own CAs. */
  rolesAnywhere: SimRolesAnywhere;
}

export interface ParsedOperation {
  operation: string;
  /** Parameters as the log shows them (flat for Query protocols, the JSON object for JSON ones). */
  params: Record<string, unknown>;
}

export interface ServiceRequest extends ParsedOperation {
  service: ServiceName;
  region: string;
  requestId: string;
  caller: Caller;
  raw: RawRequest;
}

export interface ServiceModule {
  service: ServiceName;
  /** IAM action prefix for permission checks, e.g. 'ec2' → 'ec2:DescribeInstances'. */
  iamPrefix: string;
  /** Reads the operation name and parameters; throws SimError for a malformed request. */
  parse(raw: RawRequest): ParsedOperation;
  /** Answers a verified, permitted request. Throws SimError for AWS errors. */
  handle(req: ServiceRequest, ctx: SimContext): Promise<SimResponse> | SimResponse;
  /**
   * True for Roles Anywhere: its requests are signed with an X.509 certificate (AWS4-X509-*), not an
   * access key, so the core skips SigV4 verification and permission checks and the module verifies.
   */
  authenticatesItself?: boolean;
  /** Serializes an error the way this service does on the wire. */
  errorResponse(err: SimError, requestId: string): SimResponse;
}
