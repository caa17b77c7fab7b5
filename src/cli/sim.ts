// `orgraph sim`: starts the simulated AWS and prints `export` lines that point any AWS client at it,
// or, with --dump, prints the generated organization's ground truth and exits.
import { startSim } from '../sim/index.js';
import type { SimOptions } from '../sim/index.js';
import { dumpWorld, generateWorld } from '../sim/generator.js';
import { applyKnobPatch, defaultKnobs } from '../sim/knobs.js';
import type { SimKnobs } from '../sim/knobs.js';
import { CliUsageError } from './errors.js';
import { parseFlags } from './parse-flags.js';
import { isLoopback } from '../server/auth.js';
import { isAccountId } from '../aws/ids.js';

const HELP = `usage: orgraph sim [options]

organization (deterministic for a seed):
  --seed N                  seed of the generator (default 1)
  --accounts N              number of accounts (default 12)
  --regions a,b             Regions populated with EC2 data (default us-east-1,eu-west-1)
  --instances-per-region N  instances per account and Region (default 20)
  --vpcs-per-region N       VPCs per account and Region, default VPC included (default 3)
  --subnets-per-vpc N       subnets per VPC (default 3)
  --role-name NAME          the member read role (default CMDBReadRole)
  --external-id ID          the ExternalId its trust policy requires (default orgraph-demo)
  --dump                    print the ground truth and exit (no server)
  --format json|ndjson      format of --dump (default json)

server:
  --host ADDR               loopback address to listen on (default 127.0.0.1)
  --port N                  port (default 0: any free port)

knobs:
  --latency SERVICE=MS[+JITTER]   per-call latency, e.g. ec2=40+20 (repeatable)
  --error-rate F            fraction 0..1 of calls answered 500/503
  --drop-rate F             fraction 0..1 of connections dropped
  --unresponsive a,b        services that never answer (sts, ec2, organizations, rolesanywhere)
  --credential-lifetime S   lifetime of issued credentials in seconds
  --throttling              enable AWS-like throttling
  --page-cap N              cap every list page at N items
  --short-pages             list pages randomly short or empty while NextToken is set (Organizations, EC2)
  --scenario ACCOUNT=KIND   roleMissing | externalIdMismatch | disabledRegions:r1+r2 | extraLatencyMs:N (repeatable)
  --knobs JSON              any knobs as JSON (same shape as the admin path /__sim/knobs), also the
                            scenarios roleName, externalId, trustMissingPrincipal, deniedActions and
                            scpDeniedActions, e.g. '{"scenarios":{"111122223333":{"deniedActions":["ec2:DescribeSubnets"]}}}'

examples:
  orgraph sim --accounts 50 --regions us-east-1,eu-west-1 > sim.env &   (then: . ./sim.env)
  orgraph sim --dump --format ndjson --accounts 1000 | head -1`;

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min)
    throw new CliUsageError(`--${flag} must be a whole number >= ${min}, got '${value}'`);
  return n;
}

/** Turns the knob flags into one patch for applyKnobPatch, so validation lives in one place. */
function knobPatchFromFlags(
  values: Record<string, string | boolean | string[] | undefined>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (typeof values['knobs'] === 'string') {
    try {
      Object.assign(patch, JSON.parse(values['knobs']));
    } catch {
      throw new CliUsageError(`--knobs is not valid JSON: ${values['knobs']}`);
    }
  }
  const latency: Record<string, unknown> = {};
  for (const spec of (values['latency'] as string[] | undefined) ?? []) {
    const m = /^([a-z0-9]+)=(\d+(?:\.\d+)?)(?:\+(\d+(?:\.\d+)?))?$/.exec(spec);
    if (!m) throw new CliUsageError(`--latency expects SERVICE=MS[+JITTER] (e.g. ec2=40+20), got '${spec}'`);
    latency[m[1] ?? ''] = { fixedMs: Number(m[2]), jitterMs: Number(m[3] ?? 0) };
  }
  if (Object.keys(latency).length) patch['latency'] = latency;
  const faults: Record<string, number> = {};
  for (const [flag, key] of [
    ['error-rate', 'errorRate'],
    ['drop-rate', 'dropRate'],
  ] as const) {
    const v = values[flag];
    if (typeof v === 'string') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new CliUsageError(`--${flag} must be a number from 0 to 1, got '${v}'`);
      faults[key] = n;
    }
  }
  if (Object.keys(faults).length) patch['faults'] = faults;
  if (typeof values['unresponsive'] === 'string')
    patch['unresponsive'] = values['unresponsive'].split(',').filter((v) => v !== '');
  const lifetime = wholeNumber('credential-lifetime', values['credential-lifetime'] as string | undefined, 1);
  if (lifetime !== undefined) patch['credentialLifetimeSeconds'] = lifetime;
  if (values['throttling']) patch['throttling'] = true;
  if (values['short-pages']) patch['shortPages'] = true;
  const pageCap = wholeNumber('page-cap', values['page-cap'] as string | undefined, 1);
  if (pageCap !== undefined) patch['pageCap'] = pageCap;
  const scenarios: Record<string, Record<string, unknown>> = {};
  for (const spec of (values['scenario'] as string[] | undefined) ?? []) {
    const m =
      /^([^=]+)=(roleMissing|externalIdMismatch|disabledRegions:([a-z0-9+-]+)|extraLatencyMs:(\d+))$/.exec(
        spec,
      );
    if (!m || !isAccountId(m[1] as string)) {
      throw new CliUsageError(
        `--scenario expects ACCOUNT=roleMissing|externalIdMismatch|disabledRegions:r1+r2|extraLatencyMs:N with a 12-digit account id, got '${spec}'`,
      );
    }
    const s = (scenarios[m[1] ?? ''] ??= {});
    if (m[2] === 'roleMissing' || m[2] === 'externalIdMismatch') s[m[2]] = true;
    else if (m[3] !== undefined) s['disabledRegions'] = m[3].split('+');
    else s['extraLatencyMs'] = Number(m[4]);
  }
  if (Object.keys(scenarios).length) patch['scenarios'] = scenarios;
  return patch;
}

export function parseSimArgs(argv: string[]): {
  options: SimOptions;
  dump?: 'json' | 'ndjson';
  help: boolean;
} {
  const parsed = parseFlags('sim', argv, {
    help: { type: 'boolean', short: 'h' },
    seed: { type: 'string' },
    accounts: { type: 'string' },
    regions: { type: 'string' },
    'instances-per-region': { type: 'string' },
    'vpcs-per-region': { type: 'string' },
    'subnets-per-vpc': { type: 'string' },
    'role-name': { type: 'string' },
    'external-id': { type: 'string' },
    dump: { type: 'boolean' },
    format: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    latency: { type: 'string', multiple: true },
    'error-rate': { type: 'string' },
    'drop-rate': { type: 'string' },
    unresponsive: { type: 'string' },
    'credential-lifetime': { type: 'string' },
    throttling: { type: 'boolean' },
    'page-cap': { type: 'string' },
    'short-pages': { type: 'boolean' },
    scenario: { type: 'string', multiple: true },
    knobs: { type: 'string' },
  });
  const v = parsed.values;
  const options: SimOptions = {};
  const seed = wholeNumber('seed', v.seed, 0);
  if (seed !== undefined) options.seed = seed;
  const accounts = wholeNumber('accounts', v.accounts, 1);
  if (accounts !== undefined) options.accounts = accounts;
  if (v.regions !== undefined)
    options.regions = v.regions
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
  const ipr = wholeNumber('instances-per-region', v['instances-per-region'], 0);
  if (ipr !== undefined) options.instancesPerRegion = ipr;
  const vpr = wholeNumber('vpcs-per-region', v['vpcs-per-region'], 0);
  if (vpr !== undefined) options.vpcsPerRegion = vpr;
  const spv = wholeNumber('subnets-per-vpc', v['subnets-per-vpc'], 1);
  if (spv !== undefined) options.subnetsPerVpc = spv;
  if (v['role-name'] !== undefined) options.readRoleName = v['role-name'];
  if (v['external-id'] !== undefined) options.externalId = v['external-id'];
  if (v.host !== undefined) {
    if (!isLoopback(v.host))
      throw new CliUsageError(
        `--host ${v.host}: the simulated AWS listens on loopback only (127.0.0.1, ::1, localhost)`,
      );
    options.host = v.host;
  }
  const port = wholeNumber('port', v.port, 0);
  if (port !== undefined) {
    if (port > 65535) throw new CliUsageError(`--port must be at most 65535, got ${port}`);
    options.port = port;
  }
  const knobs: SimKnobs = defaultKnobs();
  try {
    applyKnobPatch(knobs, knobPatchFromFlags(v));
  } catch (err) {
    if (err instanceof CliUsageError) throw err;
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
  options.knobs = knobs;
  let dump: 'json' | 'ndjson' | undefined;
  if (v.format !== undefined && v.format !== 'json' && v.format !== 'ndjson')
    throw new CliUsageError(`--format must be json or ndjson, got '${v.format}'`);
  if (v.format !== undefined && !v.dump) throw new CliUsageError('--format only applies with --dump');
  if (v.dump) dump = (v.format as 'json' | 'ndjson' | undefined) ?? 'json';
  return { options, ...(dump ? { dump } : {}), help: v.help === true };
}

/** `export` lines that point the AWS SDKs and CLI at the sim. The credentials are the sim's own, fake ones. */
export function exportLines(
  endpoint: string,
  central: { accessKeyId: string; secretAccessKey: string; region: string },
): string {
  return [
    `export AWS_ENDPOINT_URL=${endpoint}`,
    `export AWS_ACCESS_KEY_ID=${central.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${central.secretAccessKey}`,
    `export AWS_REGION=${central.region}`,
    `export AWS_DEFAULT_REGION=${central.region}`,
  ].join('\n');
}

export async function runSim(argv: string[]): Promise<number> {
  const { options, dump, help } = parseSimArgs(argv);
  if (help) {
    console.log(HELP);
    return 0;
  }
  if (dump) {
    let world;
    try {
      world = generateWorld(options);
    } catch (err) {
      throw new CliUsageError(err instanceof Error ? err.message : String(err));
    }
    dumpWorld(world, dump, (chunk) => process.stdout.write(chunk));
    return 0;
  }
  let sim;
  try {
    sim = await startSim(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliUsageError(`--port ${options.port}: the port is already in use`);
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
  console.log(exportLines(sim.endpoint, sim.central));
  const w = sim.world;
  console.error(
    `# orgraph sim: ${w.accounts.length} accounts, Regions ${w.regionsInScope.join(',')}; management/central account ${w.centralAccountId}; ` +
      `member role ${w.readRoleName} (ExternalId ${w.externalId}); admin ${sim.endpoint}/__sim/ . Ctrl-C stops.`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}
