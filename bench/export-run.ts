// One `orgraph query` of a benchmark: `node --import tsx bench/export-run.ts '<job JSON>'` runs the CLI
// in this process — the CLI of the checkout the job names, so `--vs` can compare two — against the
// sim, its output going to stdout as the CLI writes it: NDJSON rows (S5 streamed) or the JSON answer
// (S6 CLI). The last line, on stderr, is the process summary: the CLI's start (epoch ms) and wall,
// its exit status, peak RSS. The parent checks the output against the ground truth.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliJob } from './protocol.js';

const job = JSON.parse(process.argv[2] ?? '{}') as CliJob;
writeFileSync(job.configFile, JSON.stringify(job.config));
const { main } = (await import(pathToFileURL(join(job.root, 'src/cli/main.ts')).href)) as {
  main(argv: string[]): Promise<number>;
};
const start = performance.now();
const cpu = process.cpuUsage();
const format = job.format ?? 'ndjson';
const status = await main(['query', '--config', job.configFile, '--format', format, '--quiet', job.query]);
const wallMs = performance.now() - start;
const used = process.cpuUsage(cpu);
process.stderr.write(
  '\n' +
    JSON.stringify({
      kind: 'export',
      status,
      startEpochMs: performance.timeOrigin + start,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }) +
    '\n',
);
