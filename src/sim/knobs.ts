// Runtime knobs of the simulated AWS: latency, faults, throttling, credential lifetime, page caps and
// per-account scenarios. Mutable at run time (in-process or through the admin path).
import type { ServiceName } from './types.js';
import { isAccountId } from '../aws/ids.js';

export interface LatencyKnob {
  fixedMs: number;
  jitterMs: number;
}

export interface AccountScenario {
  /** The member read role does not exist in this account. */
  roleMissing?: boolean;
  /** The role's trust policy expects a different ExternalId. */
  externalIdMismatch?: boolean;
  /** Regions not enabled for this account (EC2 answers AuthFailure 401 there). */
  disabledRegions?: string[];
  /** Extra latency for every call made with this account's credentials. */
  extraLatencyMs?: number;
  /** The read role exists under this name instead (a legacy account); the usual name is missing. */
  roleName?: string;
  /** The read role's trust policy requires this ExternalId (one per account). */
  externalId?: string;
  /** The read role's trust policy names another principal than the central one. */
  trustMissingPrincipal?: boolean;
  /** Actions (e.g. `ec2:DescribeSubnets`) the read role's policy does not allow. */
  deniedActions?: string[];
  /** Actions a service control policy denies in this account. */
  scpDeniedActions?: string[];
}

export interface SimKnobs {
  latency: Partial<Record<ServiceName, LatencyKnob>>;
  /** Fractions 0..1 of requests answered with a 500/503 error, or whose connection is dropped. */
  faults: { errorRate: number; dropRate: number };
  /**
   * Services that read each request and never answer it (the connection stays open until the client
   * gives up): an endpoint that hangs, for testing time limits. Logged as status 0, `NeverAnswered`.
   */
  unresponsive: ServiceName[];
  /** Overrides the lifetime of every credential the sim issues (seconds), so expiry can be tested. */
  credentialLifetimeSeconds?: number;
  throttling: boolean;
  /** Caps every list page below what MaxResults asks, so NextToken paths always run. */
  pageCap?: number;
  /**
   * List pages come back short, sometimes empty, while NextToken is still set, as AWS allows.
   * Organizations: a page holds a random 0..MaxResults items, and a list may end with an empty page.
   * EC2 (DescribeInstances/Vpcs/Subnets/SecurityGroups with MaxResults or pageCap): pages are cut
   * from the unfiltered list and filtered afterwards, as EC2 does, so filtered calls get short or empty
   * pages; now and then a page is empty outright (never twice in a row) or the last page still hands
   * out a token. Tokens stay bound to the call (and to the paging mode). Off: EC2 pages are full until
   * the last one.
   */
  shortPages: boolean;
  scenarios: Map<string, AccountScenario>;
}

export function defaultKnobs(): SimKnobs {
  return {
    latency: {},
    faults: { errorRate: 0, dropRate: 0 },
    unresponsive: [],
    throttling: false,
    shortPages: false,
    scenarios: new Map(),
  };
}

export function scenarioFor(knobs: SimKnobs, accountId: string): AccountScenario {
  return knobs.scenarios.get(accountId) ?? {};
}

const SERVICES = ['sts', 'ec2', 'organizations', 'rolesanywhere'] as const;

function fraction(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`${where} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegative(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${where} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a JSON patch of knobs (from the admin path or the CLI) after validating all of it, so a bad
 * patch changes nothing. Scenarios are given as an object keyed by account id; null removes one.
 */
export function applyKnobPatch(knobs: SimKnobs, patch: unknown): void {
  if (!isRecord(patch)) throw new Error('knobs: expected a JSON object');
  const next: SimKnobs = {
    ...knobs,
    latency: { ...knobs.latency },
    faults: { ...knobs.faults },
    scenarios: new Map(knobs.scenarios),
  };
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'latency': {
        if (!isRecord(value)) throw new Error('knobs.latency: expected an object keyed by service');
        for (const [service, lat] of Object.entries(value)) {
          if (!(SERVICES as readonly string[]).includes(service))
            throw new Error(`knobs.latency.${service}: unknown service (known: ${SERVICES.join(', ')})`);
          if (!isRecord(lat)) throw new Error(`knobs.latency.${service}: expected { fixedMs, jitterMs }`);
          next.latency[service as ServiceName] = {
            fixedMs: nonNegative(lat['fixedMs'] ?? 0, `knobs.latency.${service}.fixedMs`),
            jitterMs: nonNegative(lat['jitterMs'] ?? 0, `knobs.latency.${service}.jitterMs`),
          };
        }
        break;
      }
      case 'faults': {
        if (!isRecord(value)) throw new Error('knobs.faults: expected { errorRate, dropRate }');
        if (value['errorRate'] !== undefined)
          next.faults.errorRate = fraction(value['errorRate'], 'knobs.faults.errorRate');
        if (value['dropRate'] !== undefined)
          next.faults.dropRate = fraction(value['dropRate'], 'knobs.faults.dropRate');
        break;
      }
      case 'unresponsive':
        if (
          !Array.isArray(value) ||
          !value.every(
            (v): v is string => typeof v === 'string' && (SERVICES as readonly string[]).includes(v),
          )
        )
          throw new Error(
            `knobs.unresponsive must be a list of services (known: ${SERVICES.join(', ')}), got ${JSON.stringify(value)}`,
          );
        next.unresponsive = [...new Set(value as ServiceName[])];
        break;
      case 'credentialLifetimeSeconds':
        if (value === null) delete next.credentialLifetimeSeconds;
        else next.credentialLifetimeSeconds = nonNegative(value, 'knobs.credentialLifetimeSeconds');
        break;
      case 'throttling':
      case 'shortPages':
        if (typeof value !== 'boolean')
          throw new Error(`knobs.${key} must be true or false, got ${JSON.stringify(value)}`);
        next[key] = value;
        break;
      case 'pageCap':
        if (value === null) delete next.pageCap;
        else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
          throw new Error(`knobs.pageCap must be a whole number >= 1, got ${JSON.stringify(value)}`);
        else next.pageCap = value;
        break;
      case 'scenarios': {
        if (!isRecord(value)) throw new Error('knobs.scenarios: expected an object keyed by account id');
        for (const [accountId, scenario] of Object.entries(value)) {
          if (!isAccountId(accountId))
            throw new Error(`knobs.scenarios: '${accountId}' is not a 12-digit account id`);
          if (scenario === null) {
            next.scenarios.delete(accountId);
            continue;
          }
          if (!isRecord(scenario)) throw new Error(`knobs.scenarios.${accountId}: expected an object`);
          const s: AccountScenario = {};
          for (const [field, v] of Object.entries(scenario)) {
            const where = `knobs.scenarios.${accountId}.${field}`;
            if (field === 'roleMissing' || field === 'externalIdMismatch') {
              if (typeof v !== 'boolean') throw new Error(`${where} must be true or false`);
              s[field] = v;
            } else if (field === 'disabledRegions') {
              if (!Array.isArray(v) || !v.every((r) => typeof r === 'string'))
                throw new Error(`${where} must be a list of Region names`);
              s.disabledRegions = v as string[];
            } else if (field === 'extraLatencyMs') {
              s.extraLatencyMs = nonNegative(v, where);
            } else if (field === 'trustMissingPrincipal') {
              if (typeof v !== 'boolean') throw new Error(`${where} must be true or false`);
              s.trustMissingPrincipal = v;
            } else if (field === 'roleName') {
              if (typeof v !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(v))
                throw new Error(`${where} must be a role name (1–64 characters of [\\w+=,.@-])`);
              s.roleName = v;
            } else if (field === 'externalId') {
              if (typeof v !== 'string' || !/^[\w+=,.@:/-]{2,1224}$/.test(v))
                throw new Error(`${where} must be an ExternalId (2–1224 characters of [\\w+=,.@:/-])`);
              s.externalId = v;
            } else if (field === 'deniedActions' || field === 'scpDeniedActions') {
              if (
                !Array.isArray(v) ||
                !v.every((a) => typeof a === 'string' && /^[a-z0-9-]+:[A-Za-z]+$/.test(a))
              )
                throw new Error(`${where} must be a list of actions such as "ec2:DescribeSubnets"`);
              s[field] = v as string[];
            } else
              throw new Error(
                `${where}: unknown scenario field (known: roleMissing, externalIdMismatch, disabledRegions, extraLatencyMs, roleName, externalId, trustMissingPrincipal, deniedActions, scpDeniedActions)`,
              );
          }
          next.scenarios.set(accountId, s);
        }
        break;
      }
      default:
        throw new Error(
          `knobs.${key}: unknown knob (known: latency, faults, unresponsive, credentialLifetimeSeconds, throttling, pageCap, shortPages, scenarios)`,
        );
    }
  }
  Object.assign(knobs, next);
}

/** The knobs as JSON (scenarios as an object). */
export function knobsToJson(knobs: SimKnobs): Record<string, unknown> {
  return { ...knobs, scenarios: Object.fromEntries(knobs.scenarios) };
}
