// `npm run bench`: runs every benchmark scenario in one process and prints medians side by side.
import { benchSim } from './sim.js';
import { benchGateway } from './gateway.js';
import { benchServe } from './serve.js';

const sections: [string, () => Promise<string[]>][] = [
  ['simulated AWS', benchSim],
  ['gateway', benchGateway],
  ['orgraph serve under load', benchServe],
];

console.log(`orgraph bench — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of sections) {
  console.log(`\n## ${name}`);
  for (const line of await run()) console.log(line);
}
