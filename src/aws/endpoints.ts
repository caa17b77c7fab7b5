// Endpoint overrides for every AWS service the gateway calls — STS and Roles Anywhere included — so the
// whole stack runs against the simulated AWS or any other emulator. Precedence (as the AWS SDKs do,
// with the configuration playing the part of an explicit client option):
//   1. config `endpoints.<service>`   2. config `endpoints.default`
//   3. AWS_ENDPOINT_URL_<SERVICE>      4. AWS_ENDPOINT_URL
// The environment variables are ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
// undefined means "no override": the SDK's own regional endpoint.

export type AwsServiceId = 'sts' | 'ec2' | 'organizations' | 'rolesanywhere';

export interface EndpointOverrides {
  /** Applies to every service without its own entry. */
  default?: string;
  sts?: string;
  ec2?: string;
  organizations?: string;
  rolesanywhere?: string;
}

/** The suffix of AWS_ENDPOINT_URL_<SERVICE>: the service id upper-cased, spaces as underscores. */
const ENV_SUFFIX: Record<AwsServiceId, string> = {
  sts: 'STS',
  ec2: 'EC2',
  organizations: 'ORGANIZATIONS',
  rolesanywhere: 'ROLESANYWHERE',
};

export type Env = Record<string, string | undefined>;

export function resolveEndpoint(
  service: AwsServiceId,
  overrides: EndpointOverrides = {},
  env: Env = process.env,
): string | undefined {
  const configured = overrides[service] ?? overrides.default;
  if (configured) return configured;
  if (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']?.toLowerCase() === 'true') return undefined;
  return nonEmpty(env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`]) ?? nonEmpty(env['AWS_ENDPOINT_URL']);
}

/** `{ endpoint }` to spread into an SDK client config, or `{}` when there is no override. */
export function endpointConfig(
  service: AwsServiceId,
  overrides?: EndpointOverrides,
  env?: Env,
): { endpoint?: string } {
  const endpoint = resolveEndpoint(service, overrides, env);
  return endpoint === undefined ? {} : { endpoint };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
