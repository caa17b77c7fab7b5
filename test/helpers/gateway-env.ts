// Points the default credential chain of this test process at a sim (or another emulator): the
// gateway's central principal then authenticates like it would in production, from the environment.
const saved: Record<string, string | undefined> = {};

export function useEmulatorEnvironment(
  credentials: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1',
): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_')) {
      saved[key] ??= process.env[key];
      delete process.env[key];
    }
  }
  for (const key of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
  ])
    saved[key] ??= process.env[key];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: region,
    AWS_CONFIG_FILE: '/nonexistent/orgraph-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/orgraph-test-credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}

export function restoreEnvironment(): void {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
    delete saved[key];
  }
}
