// The simulated AWS in a process of its own for the benchmarks (so on a small machine it does not take
// the measured process's CPU): `node --import tsx bench/sim-server.ts '<SimOptions as JSON>'` starts it
// and prints one JSON line with its endpoint and central credentials; SIGTERM stops it. The benchmark
// reads the request log through the sim's admin path.
import { startSim } from '../src/sim/index.js';
import type { SimOptions } from '../src/sim/index.js';

// Only JSON-representable options (seed, world shape, latency knobs) cross the process boundary.
const options = JSON.parse(process.argv[2] ?? '{}') as SimOptions;
const sim = await startSim(options);
process.stdout.write(
  JSON.stringify({
    endpoint: sim.endpoint,
    central: { accessKeyId: sim.central.accessKeyId, secretAccessKey: sim.central.secretAccessKey },
    externalId: sim.world.externalId,
    roleName: sim.world.readRoleName,
  }) + '\n',
);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
