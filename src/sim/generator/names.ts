// Word lists the generator draws names from. Domains use the reserved .example TLD.

export const COMPANIES: ReadonlyArray<readonly [name: string, domain: string]> = [
  ['Acme Corp', 'acme-corp.example'],
  ['Globex', 'globex.example'],
  ['Initech', 'initech.example'],
  ['Umbrella Logistics', 'umbrella-logistics.example'],
  ['Stark Retail', 'stark-retail.example'],
  ['Wayne Analytics', 'wayne-analytics.example'],
  ['Hooli', 'hooli.example'],
  ['Tyrell Systems', 'tyrell.example'],
];

export const TEAMS: readonly string[] = [
  'payments',
  'checkout',
  'search',
  'identity',
  'data-platform',
  'analytics',
  'ml',
  'mobile',
  'web',
  'billing',
  'logistics',
  'inventory',
  'notifications',
  'messaging',
  'catalog',
  'reporting',
  'pricing',
  'fraud',
  'support',
  'marketing',
];

export const PEOPLE: readonly string[] = [
  'alice.martin',
  'bob.nguyen',
  'carla.schmidt',
  'deepak.rao',
  'elena.rossi',
  'farid.haddad',
  'grace.kim',
  'hugo.dubois',
  'ines.silva',
  'jon.berg',
  'kenji.sato',
  'lena.novak',
  'maya.cohen',
  'nico.weber',
  'olga.ivanova',
  'pablo.garcia',
];

/** Service roles used in instance Name tags. */
export const SERVICES: readonly string[] = [
  'api',
  'web',
  'worker',
  'db',
  'cache',
  'batch',
  'etl',
  'queue',
  'proxy',
  'ci-runner',
  'grafana',
  'bastion',
];

export const VPC_PURPOSES: readonly string[] = [
  'main',
  'data',
  'shared',
  'edge',
  'batch',
  'legacy',
  'k8s',
  'analytics',
];
