// The saved example queries of the GraphiQL page: the demo's questions, a CMDB export and a check that
// the member role is deployed everywhere. (A test validates each against the schema.)

export interface ExampleQuery {
  title: string;
  query: string;
  variables?: Record<string, unknown>;
}

export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  {
    title: 'Accounts of the organization',
    query: `# Every account of the organization (Organizations only: no role is assumed, no EC2 call)
query Accounts {
  organization {
    accounts {
      totalCount
      nodes { accountId name state joinedMethod }
    }
  }
}
`,
  },
  {
    title: 'Running production instances',
    query: `# Running production instances in every account and Region (filters pushed down to EC2)
query RunningProd {
  instances(where: { states: [RUNNING], tags: [{ key: "env", values: ["prod"] }] }) {
    totalCount
    nodes { instanceId name instanceType privateIpAddress account { name } region { name } }
    failures { code accountId region message }
  }
}
`,
  },
  {
    title: 'CMDB export',
    query: `# One page of the CMDB export: every instance with its place in the organization and network.
# Page on with after: "<pageInfo.endCursor>".
query CmdbExport($after: String) {
  instances(first: 500, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      instanceId name state instanceType privateIpAddress launchTime vpcId subnetId
      account { accountId name }
      region { name }
      tags { key value }
    }
    failures { code accountId region }
  }
}
`,
  },
  {
    title: 'Role deployment check',
    query: `# Can orgraph assume its read role in every account? (StackSet coverage check)
query RoleDeployment {
  organization {
    accounts(first: 1000) {
      nodes {
        accountId name state
        access { status roleArn failure { code awsErrorCode message } }
      }
    }
  }
}
`,
  },
];
