// The command line itself, as a user meets it: --version, --help with examples, "did you mean",
// exit statuses for bad usage, a closed pipe, `orgraph schema`, and the exit-status policy by error code.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { EXIT, exitStatusOf } from '../../src/cli/exit-status.js';
import { loadTypeDefs } from '../../src/graph/schema.js';
import { subgraphSdl } from '../../src/graph/federation.js';
import { resolvers } from '../../src/graph/resolvers/index.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('orgraph', () => {
  it('prints its version and help; every command has --help with examples', async () => {
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['query', 'doctor', 'schema', 'sim', 'demo', 'serve'])
      expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('130 interrupted');
    const queryHelp = await runCli(['query', '--help']);
    expect(queryHelp.code).toBe(0);
    expect(queryHelp.stdout).toContain('Examples:');
    expect(queryHelp.stdout).toContain('--format <format>');
  });

  it('suggests the command or flag meant, and exits 2', async () => {
    const command = await runCli(['querry']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'querry'");
    expect(command.stderr).toContain('Did you mean query?');
    const flag = await runCli(['query', '--formt', 'csv', '{ accounts { totalCount } }']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Did you mean --format?');
    const choice = await runCli(['query', '--format', 'xml', '{ accounts { totalCount } }']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('Allowed choices are json, ndjson, csv');
  });

  it('prints the federation subgraph SDL with --federation, exactly as _service { sdl } answers it', async () => {
    const { code, stdout } = await runCli(['schema', '--federation']);
    expect(code).toBe(0);
    expect(stdout).toContain('@link(url: "https://specs.apollo.dev/federation/v2.5"');
    expect(stdout).toContain('@key(fields: "accountId")');
    expect(stdout.trimEnd()).toBe(subgraphSdl(resolvers).trimEnd());
  });

  it('prints the schema as SDL that builds', async () => {
    const { code, stdout } = await runCli(['schema']);
    expect(code).toBe(0);
    const printed = buildSchema(stdout);
    const source = buildSchema(loadTypeDefs());
    expect(Object.keys(printed.getTypeMap()).sort()).toEqual(Object.keys(source.getTypeMap()).sort());
    expect(Object.keys(printed.getQueryType()!.getFields())).toContain('instances');
  });

  it('ends quietly when the reader of `sim --dump` closes the pipe', async () => {
    const child = spawnCli(['sim', '--dump', '--format', 'ndjson', '--accounts', '400']);
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let first = '';
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString().split('\n')[0] ?? '';
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(JSON.parse(first)).toMatchObject({ kind: 'organization' });
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it.each([
    ['sim', '--acounts', '--accounts'],
    ['demo', '--prot', '--port'],
    ['serve', '--confg', '--config'],
  ])('%s: a mistyped flag exits 2 with "did you mean"', async (command, typo, meant) => {
    const { code, stderr } = await runCli([command, typo, '3']);
    expect(code).toBe(2);
    expect(stderr).toContain(`Unknown option '${typo}'`);
    expect(stderr).toContain(`Did you mean ${meant}?`);
  });

  it('hands serve its own flags: --help prints its usage, an unknown flag exits 2', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: orgraph serve');
    expect(help.stdout).toContain('--federation');
    const bad = await runCli(['serve', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bogus');
  });
});

describe('exit status of a GraphQL result', () => {
  const err = (code: string) => ({ message: code, extensions: { code } });
  it.each([
    [{ data: { a: 1 } }, EXIT.ok],
    [{ data: { a: 1 }, errors: [err('ROLE_NOT_ASSUMABLE')] }, EXIT.partial],
    [{ data: { a: null }, errors: [err('UPSTREAM_ERROR')] }, EXIT.failure],
    [{ data: null, errors: [err('INTERNAL_SERVER_ERROR')] }, EXIT.failure],
    [{ data: { a: null }, errors: [err('BAD_USER_INPUT')] }, EXIT.usage],
    [{ errors: [err('GRAPHQL_VALIDATION_FAILED')] }, EXIT.usage],
    [{ errors: [err('GRAPHQL_PARSE_FAILED')] }, EXIT.usage],
    [{ data: { a: 1 }, errors: [err('ACCESS_DENIED'), err('QUERY_TOO_EXPENSIVE')] }, EXIT.usage],
  ])('%j → %i', (result, status) => {
    expect(exitStatusOf(result)).toBe(status);
  });
});
