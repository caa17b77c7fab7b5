// `orgraph doctor`: "did the StackSet work?" Checks, in order, and reports each step: (1) the central
// credentials (principal, source, expiry); (2) the account source (Organizations or the static list,
// with include/exclude applied); (3) in every account in scope, with bounded concurrency, the member
// role (see doctor-checks.ts); (4) one row per account and a count per cause.
// Exit: 0 every account works, 3 some fail, 1 cannot start (credentials or account source).
import { stringify } from 'csv-stringify/sync';
import { countAwsCalls } from '../aws/call-observer.js';
import { createGateway } from '../gateway.js';
import type { Gateway } from '../gateway.js';
import { CliFailure } from './errors.js';
import { EXIT } from './exit-status.js';
import type { ExitStatus } from './exit-status.js';
import { loadConfigForCli } from './load-config.js';
import type { CommandContext } from './query.js';
import { CAUSES, checkAccount } from './doctor-checks.js';
import type { AccountCheck, Cause } from './doctor-checks.js';

export interface DoctorOptions {
  config?: string;
  format: 'table' | 'json' | 'csv';
  concurrency: number;
}

interface CredentialsStep {
  principal: string;
  accountId: string;
  source: string;
  description: string;
  expires: string | null;
}

interface AccountSourceStep {
  source: 'organizations' | 'static';
  description: string;
  accounts: number;
}

export async function runDoctor(options: DoctorOptions, ctx: CommandContext): Promise<ExitStatus> {
  const config = await loadConfigForCli(options.config);
  const human = options.format === 'table';
  const say = async (line: string) => {
    if (human) await ctx.output.write(line + '\n');
  };

  // 1. The central credentials.
  let gateway: Gateway;
  const calls = countAwsCalls();
  try {
    gateway = await createGateway(config, {
      logger: ctx.reporter.logger,
      awsCallObserver: calls.observer,
      signal: ctx.signal, // Ctrl-C abandons the check
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    await say(`1. central credentials: FAILED`);
    throw new CliFailure(
      `the central AWS credentials cannot be used: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  try {
    const identity = await gateway.identity();
    const credentials: CredentialsStep = {
      principal: identity.arn,
      accountId: identity.accountId,
      source: identity.source,
      description: identity.description,
      expires: identity.expiration ? identity.expiration.toISOString() : null,
    };
    await say(
      `1. central credentials: OK — ${credentials.principal} from ${credentials.description}` +
        `, ${credentials.expires ? `expires ${credentials.expires}` : 'long-term keys (no expiry)'}`,
    );
    ctx.reporter.phase('central credentials ok', { principal: identity.arn });

    // 2. The account source.
    const listed = await gateway.execute('{ accounts { nodes { accountId name state } } }', undefined, {
      signal: ctx.signal,
    });
    if (ctx.signal.aborted) return EXIT.interrupted;
    const nodes = (
      listed.data?.['accounts'] as { nodes?: { accountId: string; name: string; state: string }[] } | null
    )?.nodes;
    const accountsConfig = config.graph.accounts;
    if (!nodes) {
      await say('2. account source: FAILED');
      const why = listed.errors?.map((e) => e.message).join('; ') ?? 'no answer';
      throw new CliFailure(
        accountsConfig.source === 'organizations'
          ? `AWS Organizations cannot be read from here (${why}): run from the management account or a delegated administrator, set graph.accounts.managementAccountRole, or use a static account list`
          : `the static account list cannot be read (${why})`,
      );
    }
    const source: AccountSourceStep = {
      source: accountsConfig.source,
      description:
        accountsConfig.source === 'static'
          ? 'the static account list (graph.accounts)'
          : 'managementAccountRole' in accountsConfig && accountsConfig.managementAccountRole
            ? `AWS Organizations through ${accountsConfig.managementAccountRole.roleName ?? config.credentials.broker.roleName} in ${accountsConfig.managementAccountRole.accountId}`
            : `AWS Organizations, read by ${identity.arn}`,
      accounts: nodes.length,
    };
    await say(`2. account source: OK — ${source.description}: ${source.accounts} accounts in scope`);
    ctx.reporter.phase('account source ok', { accounts: nodes.length });

    // 3. Every account, a few at a time.
    await say(`3. member role in each account (${options.concurrency} at a time)…`);
    let done = 0;
    const stopLive = ctx.reporter.live(() => ({
      accounts: done,
      calls: calls.total(),
      errors: 0,
      rows: done,
    }));
    const checks: AccountCheck[] = new Array<AccountCheck>(nodes.length);
    let next = 0;
    const worker = async () => {
      while (next < nodes.length && !ctx.signal.aborted) {
        const i = next++;
        const account = nodes[i] as { accountId: string; name: string; state: string };
        checks[i] = await checkAccount(account, {
          member: gateway.members,
          checkRegion: config.aws.homeRegion,
          ...(config.graph.regions ? { regions: config.graph.regions } : {}),
          signal: ctx.signal,
        });
        done++;
        ctx.reporter.logger.debug('account checked', { ...checks[i] });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(options.concurrency, nodes.length) }, worker));
    } finally {
      stopLive();
    }
    if (ctx.signal.aborted) return EXIT.interrupted;

    // 4. One row per account, then a count per cause.
    const summary = summarize(checks);
    if (options.format === 'json')
      await ctx.output.write(
        JSON.stringify({ credentials, accountSource: source, accounts: rowsOf(checks), summary }) + '\n',
      );
    else if (options.format === 'csv') await ctx.output.write(csvOf(checks));
    else await ctx.output.write(tableOf(checks, summary));
    await ctx.output.end();
    ctx.reporter.phase('doctor finished', { ...summary });
    return summary.failing === 0 ? EXIT.ok : EXIT.partial;
  } finally {
    await gateway.close();
  }
}

interface Summary {
  accounts: number;
  ok: number;
  failing: number;
  causes: Partial<Record<Cause, number>>;
}

function summarize(checks: readonly AccountCheck[]): Summary {
  const causes: Partial<Record<Cause, number>> = {};
  for (const c of checks) if (c.cause) causes[c.cause] = (causes[c.cause] ?? 0) + 1;
  const ok = checks.filter((c) => c.ok).length;
  return { accounts: checks.length, ok, failing: checks.length - ok, causes };
}

function rowsOf(checks: readonly AccountCheck[]) {
  return checks.map((c) => ({
    ...c,
    ...(c.cause ? { problem: CAUSES[c.cause].title, fix: CAUSES[c.cause].fix } : {}),
  }));
}

function csvOf(checks: readonly AccountCheck[]): string {
  const rows = [
    ['accountId', 'name', 'status', 'cause', 'detail', 'problem', 'fix'],
    ...checks.map((c) => [
      c.accountId,
      c.name,
      c.ok ? 'OK' : 'FAIL',
      c.cause ?? '',
      c.detail ?? '',
      c.cause ? CAUSES[c.cause].title : '',
      c.cause ? CAUSES[c.cause].fix : '',
    ]),
  ];
  return stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

function tableOf(checks: readonly AccountCheck[], summary: Summary): string {
  const idWidth = 12;
  const nameWidth = Math.min(32, Math.max(4, ...checks.map((c) => c.name.length)));
  const lines = [`   ${'ACCOUNT'.padEnd(idWidth)}  ${'NAME'.padEnd(nameWidth)}  STATUS`];
  for (const c of checks) {
    const status = c.ok
      ? 'OK'
      : `FAIL ${c.cause}${c.detail ? ` (${c.detail})` : ''}: ${CAUSES[c.cause as Cause].title}\n${' '.repeat(idWidth + nameWidth + 7)}fix: ${CAUSES[c.cause as Cause].fix}`;
    lines.push(
      `   ${c.accountId.padEnd(idWidth)}  ${c.name.slice(0, nameWidth).padEnd(nameWidth)}  ${status}`,
    );
  }
  lines.push(
    `4. summary: ${summary.ok} of ${summary.accounts} accounts OK` +
      (summary.failing
        ? `; failing: ${Object.entries(summary.causes)
            .map(([cause, n]) => `${cause} ${n}`)
            .join(', ')}`
        : ''),
  );
  return lines.join('\n') + '\n';
}
