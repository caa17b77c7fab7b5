import { parseCredentialsConfig } from './src/config/credentials.js';
import { parseAwsDataOptions } from './src/config/data.js';
import { parseGatewayGraphConfig } from './src/config/gateway.js';

const secret40 = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const cases: [string, (x: unknown) => unknown, unknown][] = [
  ['cred empty principal', parseCredentialsConfig, { centralPrincipal: {} }],
  ['cred no source', parseCredentialsConfig, { centralPrincipal: { profile: 'x' } }],
  ['cred bad source', parseCredentialsConfig, { centralPrincipal: { source: 'env' } }],
  ['cred profile missing', parseCredentialsConfig, { centralPrincipal: { source: 'profile' } }],
  ['cred ra missing', parseCredentialsConfig, { centralPrincipal: { source: 'rolesAnywhere' } }],
  ['cred ra empty', parseCredentialsConfig, { centralPrincipal: { source: 'rolesAnywhere', rolesAnywhere: {} } }],
  ['cred ra passphrase', parseCredentialsConfig, { centralPrincipal: { source: 'rolesAnywhere', rolesAnywhere: { passphrase: 'hunter2', passphraseEnv: '1x', certificate: 'c', privateKey: 'k', trustAnchorArn: 'x', profileArn: 'y', roleArn: 'z' } } }],
  ['cred externalId', parseCredentialsConfig, { broker: { externalId: 'a' } }],
  ['cred externalId obj', parseCredentialsConfig, { broker: { externalId: { externalId: 1 } } }],
  ['cred unknown', parseCredentialsConfig, { broker: { foo: 1, bar: 2 }, baz: 1 }],
  ['cred long', parseCredentialsConfig, { endpoints: { sts: 'x'.repeat(200) } }],
  ['cred 40', parseCredentialsConfig, { endpoints: { sts: secret40 } }],
  ['cred broker null', parseCredentialsConfig, { broker: null }],
  ['cred broker str', parseCredentialsConfig, { broker: 'x' }],
  ['cred root str', parseCredentialsConfig, 'x'],
  ['cred refresh', parseCredentialsConfig, { broker: { durationSeconds: 900, refreshWindowSeconds: 900 } }],
  ['cred bigint', parseCredentialsConfig, { pool: { maxSockets: 10n } }],
  ['cred fn', parseCredentialsConfig, { pool: { maxSockets: () => 1 } }],
  ['data unknown', parseAwsDataOptions, { cache: { foo: 1 } }],
  ['data bad', parseAwsDataOptions, { cache: { ttlSeconds: -1 }, concurrency: 'x', retry: null }],
  ['data obj', parseAwsDataOptions, { cache: { ttlSeconds: { ttlSeconds: 5 } } }],
  ['data 40', parseAwsDataOptions, { regionsFrom: secret40 }],
  ['data long', parseAwsDataOptions, { regionsFrom: 'y'.repeat(100) }],
  ['data root', parseAwsDataOptions, 5],
  ['data secretish key', parseAwsDataOptions, { secret: 'abc' }],
  ['data retry', parseAwsDataOptions, { retry: { baseDelayMs: 500, maxDelayMs: 100 } }],
  ['gw empty accounts', parseGatewayGraphConfig, { accounts: {} }],
  ['gw bad source', parseGatewayGraphConfig, { accounts: { source: 'ldap' } }],
  ['gw static missing', parseGatewayGraphConfig, { accounts: { source: 'static' } }],
  ['gw static acct', parseGatewayGraphConfig, { accounts: { source: 'static', accounts: [{}, { id: '12' }] } }],
  ['gw cursor', parseGatewayGraphConfig, { cursorSecret: 'short' }],
  ['gw cursor num', parseGatewayGraphConfig, { cursorSecret: 5 }],
  ['gw 40', parseGatewayGraphConfig, { regions: [secret40] }],
  ['gw long', parseGatewayGraphConfig, { regions: ['z'.repeat(100)] }],
  ['gw mgmt', parseGatewayGraphConfig, { accounts: { source: 'organizations', managementAccountRole: {} } }],
  ['gw unknown', parseGatewayGraphConfig, { foo: 1 }],
  ['gw regions empty', parseGatewayGraphConfig, { regions: [] }],
  ['gw root', parseGatewayGraphConfig, [1]],
];
for (const [name, parse, input] of cases) {
  try {
    parse(input);
    console.log(name, '=> ok');
  } catch (err) {
    const e = err as Error & { problems?: string[] };
    console.log(name, '=>', e.name, e instanceof Error, JSON.stringify(e.problems));
    console.log('   msg:', JSON.stringify(e.message));
  }
}
