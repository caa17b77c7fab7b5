// Token-bucket throttling as AWS does it: EC2 per (account, Region, API) with a burst of 100 and a
// refill of 20/s (unpaginated, unfiltered DescribeInstances: 50 and 10/s); STS per (account, Region)
// for all calls together; Organizations per account, low. Time comes from the sim's clock.
import type { Clock, ServiceName } from './types.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface BucketSpec {
  burst: number;
  refillPerSecond: number;
}

export const EC2_BUCKET: BucketSpec = { burst: 100, refillPerSecond: 20 };
export const EC2_HEAVY_BUCKET: BucketSpec = { burst: 50, refillPerSecond: 10 };
export const STS_BUCKET: BucketSpec = { burst: 600, refillPerSecond: 600 };
export const ORGANIZATIONS_BUCKET: BucketSpec = { burst: 20, refillPerSecond: 5 };

export interface ThrottleKey {
  service: ServiceName;
  accountId: string;
  region: string;
  operation: string;
  params: Record<string, unknown>;
}

/** Which bucket a call draws from, and its key. */
export function bucketFor(key: ThrottleKey): { id: string; spec: BucketSpec } {
  switch (key.service) {
    case 'ec2': {
      const p = key.params;
      const heavy =
        key.operation === 'DescribeInstances' &&
        p['MaxResults'] === undefined &&
        p['NextToken'] === undefined &&
        !Object.keys(p).some((k) => k.startsWith('Filter.') || k.startsWith('InstanceId.'));
      return heavy
        ? { id: `ec2|${key.accountId}|${key.region}|DescribeInstances:unpaginated`, spec: EC2_HEAVY_BUCKET }
        : { id: `ec2|${key.accountId}|${key.region}|${key.operation}`, spec: EC2_BUCKET };
    }
    case 'sts':
      return { id: `sts|${key.accountId}|${key.region}`, spec: STS_BUCKET };
    case 'organizations':
      return { id: `organizations|${key.accountId}`, spec: ORGANIZATIONS_BUCKET };
    case 'rolesanywhere':
      return { id: `rolesanywhere|${key.region}`, spec: STS_BUCKET };
  }
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one token; false when the bucket is empty (the call is throttled). */
  take(key: ThrottleKey): boolean {
    const { id, spec } = bucketFor(key);
    const now = this.clock();
    const bucket = this.buckets.get(id) ?? { tokens: spec.burst, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(spec.burst, bucket.tokens + elapsed * spec.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
