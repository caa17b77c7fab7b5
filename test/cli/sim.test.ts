// `orgraph sim` as a user runs it: export lines any AWS client can use, the ground-truth dump, and a
// clear error for every bad flag.
import { describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { parseSimArgs } from '../../src/cli/sim.js';
import { generateWorld } from '../../src/sim/generator.js';

describe('orgraph sim', () => {
  it('prints export lines that point an SDK client at the running sim', async () => {
    const child = spawnCli(['sim', '--accounts', '3', '--seed', '5']);
    try {
      const stdout = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('AWS_DEFAULT_REGION')) resolve(out);
        });
        child.on('close', (code) => reject(new Error(`sim exited early with ${code}`)));
      });
      const env = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
      expect(env['AWS_ENDPOINT_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env['AWS_ACCESS_KEY_ID']).toMatch(/^AKIA/);
      const sts = new STSClient({
        endpoint: env['AWS_ENDPOINT_URL'],
        region: env['AWS_REGION'],
        credentials: {
          accessKeyId: env['AWS_ACCESS_KEY_ID']!,
          secretAccessKey: env['AWS_SECRET_ACCESS_KEY']!,
        },
      });
      const who = await sts.send(new GetCallerIdentityCommand({}));
      expect(who.Account).toBe(generateWorld({ accounts: 3, seed: 5 }).centralAccountId);
      sts.destroy();
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('dumps the ground truth as NDJSON without starting a server', async () => {
    const { code, stdout } = await runCli([
      'sim',
      '--dump',
      '--format',
      'ndjson',
      '--accounts',
      '2',
      '--regions',
      'us-east-1',
      '--instances-per-region',
      '4',
    ]);
    expect(code).toBe(0);
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(records.filter((r) => r.kind === 'account')).toHaveLength(2);
    expect(records.filter((r) => r.kind === 'instance')).toHaveLength(8);
    expect(stdout).not.toContain(
      generateWorld({ accounts: 2, regions: ['us-east-1'], instancesPerRegion: 4 }).centralUser
        .secretAccessKey,
    );
  });

  it.each([
    [['--accounts', 'many'], /--accounts must be a whole number >= 1, got 'many'/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--host', '0.0.0.0'], /listens on loopback only/],
    [['--error-rate', '2'], /knobs\.faults\.errorRate must be a number from 0 to 1, got 2/],
    [['--latency', 'ec2:40'], /--latency expects SERVICE=MS\[\+JITTER\]/],
    [['--scenario', '12=roleMissing'], /--scenario expects ACCOUNT=/],
    [['--format', 'xml', '--dump'], /--format must be json or ndjson, got 'xml'/],
    [['--port', '70000'], /--port must be at most 65535/],
    [['--unresponsive', 'sts,s3'], /knobs\.unresponsive must be a list of services .* got \["sts","s3"\]/],
  ])('rejects %j with a clear message', (args, message) => {
    expect(() => parseSimArgs(args)).toThrow(message);
  });

  it('turns knob flags into knobs', () => {
    const { options } = parseSimArgs([
      '--latency',
      'ec2=40+20',
      '--throttling',
      '--page-cap',
      '7',
      '--credential-lifetime',
      '30',
      '--unresponsive',
      'sts,organizations',
      '--scenario',
      '123456789012=roleMissing',
      '--scenario',
      '123456789012=disabledRegions:eu-west-1+us-east-2',
    ]);
    expect(options.knobs).toMatchObject({
      latency: { ec2: { fixedMs: 40, jitterMs: 20 } },
      throttling: true,
      pageCap: 7,
      credentialLifetimeSeconds: 30,
      unresponsive: ['sts', 'organizations'],
    });
    expect(options.knobs?.scenarios?.get('123456789012')).toEqual({
      roleMissing: true,
      disabledRegions: ['eu-west-1', 'us-east-2'],
    });
  });

  it('exits 2 with the reason for a bad Region', async () => {
    const { code, stderr } = await runCli(['sim', '--dump', '--regions', 'mars-north-1']);
    expect(code).toBe(2);
    expect(stderr).toContain('mars-north-1');
  });
});
