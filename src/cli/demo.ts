// `orgraph demo`: for now starts the embedded simulated AWS, walks its organization with the real AWS
// SDK and prints what it found. The GraphQL gateway will be served here once it lands.
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { startSim } from '../sim/index.js';
import { CliUsageError } from './errors.js';

export async function runDemo(argv: string[]): Promise<number> {
  if (argv.length > 0 && argv[0] !== '--help') throw new CliUsageError(`demo takes no arguments yet, got '${argv.join(' ')}'`);
  if (argv[0] === '--help') {
    console.log('usage: orgraph demo\n\nStarts the simulated AWS with a demo organization and walks it.');
    return 0;
  }
  const sim = await startSim({ seed: 1, accounts: 12 });
  try {
    const client = new OrganizationsClient({
      endpoint: sim.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: sim.central.accessKeyId, secretAccessKey: sim.central.secretAccessKey },
    });
    const names: string[] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
      for (const account of page.Accounts ?? []) names.push(`${account.Id}  ${account.State ?? account.Status}  ${account.Name}`);
    }
    client.destroy();
    console.log(`orgraph demo — simulated AWS at ${sim.endpoint}\n`);
    console.log(`Organization ${sim.world.organization.id}: ${names.length} accounts`);
    for (const line of names) console.log(`  ${line}`);
    console.log('\nThe GraphQL gateway is coming soon; run `npm run sim` to keep a simulated AWS running.');
    return 0;
  } finally {
    await sim.close();
  }
}
