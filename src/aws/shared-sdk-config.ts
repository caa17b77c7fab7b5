// The SDK's shared configuration, resolved once per (service, Region) instead of once per client.
//
// Every SDK client resolves defaultsMode, useFipsEndpoint, useDualstackEndpoint, retryMode,
// userAgentAppId, authSchemePreference (and maxAttempts when not given) through provider chains —
// the environment, then the shared config file, then a default — each step that finds nothing
// constructing and throwing a ProviderError. The pool makes one EC2 client per (account, Region), so
// an inventory of 200 accounts × 4 Regions paid for 800 such resolutions of the same answers.
//
// None of these depends on the account: they read the environment and the shared config file of the
// process (the pool sets no `profile`), and at most the client's Region (defaultsMode `auto`, a
// `fips-` Region name) — hence one set per Region. They are taken from the first client of a
// (service, Region) AFTER the SDK resolved its config, as the memoized providers the SDK itself made,
// and handed to the next clients there as providers, an input form the SDK accepts for each (the
// client config types are `T | Provider<T>`). So the environment and the config file are honoured
// exactly as before (AWS_USE_FIPS_ENDPOINT, AWS_RETRY_MODE, AWS_SDK_UA_APP_ID, …), read once.
//
// What each is on a resolved client (SDK v3 as pinned in package.json; client-pool-sdk.test.ts checks
// the behaviour through the pool):
// - defaultsMode: the memoized mode resolved for the client's Region (never `auto`), which
//   resolveDefaultsModeConfig accepts as a provider and returns as it is;
// - useFipsEndpoint: resolveRegionConfig's wrapper (true for a `fips-` Region, else the env/file
//   provider) — the same answer for a client of the same Region, which wraps it once more;
// - useDualstackEndpoint, retryMode, authSchemePreference, maxAttempts: the memoized providers;
// - userAgentAppId: resolveUserAgentConfig's wrapper, which warns about an invalid id on each call;
//   shared memoized, so the next clients' own wrappers warn as before (the first one once more).
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { Provider } from '@smithy/types';

type DefaultsModeInput = NonNullable<EC2ClientConfig['defaultsMode']>;

/** The config of a resolved SDK client, as far as it is shared (EC2, Organizations and STS all have it). */
export interface SharedSdkConfigSource {
  config: {
    defaultsMode: unknown;
    useFipsEndpoint: Provider<boolean>;
    useDualstackEndpoint: Provider<boolean>;
    retryMode?: string | Provider<string>;
    userAgentAppId: Provider<string | undefined>;
    authSchemePreference?: string[] | Provider<string[]>;
    maxAttempts: Provider<number>;
  };
}

/** To spread into the config of the next clients of the same service and Region. */
export interface SharedSdkConfig {
  defaultsMode?: DefaultsModeInput;
  useFipsEndpoint: Provider<boolean>;
  useDualstackEndpoint: Provider<boolean>;
  retryMode?: string | Provider<string>;
  userAgentAppId: Provider<string | undefined>;
  authSchemePreference?: string[] | Provider<string[]>;
  maxAttempts?: Provider<number>;
}

/**
 * The providers of `client` (resolved) to share with the next clients of its service and Region.
 * `withMaxAttempts`: false when the pool sets maxAttempts itself (then it is not shared).
 */
export function sharedSdkConfigOf(client: SharedSdkConfigSource, withMaxAttempts: boolean): SharedSdkConfig {
  const config = client.config;
  const appId = config.userAgentAppId;
  let appIdOnce: Promise<string | undefined> | undefined;
  return {
    ...(typeof config.defaultsMode === 'function'
      ? { defaultsMode: config.defaultsMode as DefaultsModeInput }
      : {}),
    useFipsEndpoint: config.useFipsEndpoint,
    useDualstackEndpoint: config.useDualstackEndpoint,
    ...(config.retryMode !== undefined ? { retryMode: config.retryMode } : {}),
    userAgentAppId: () =>
      (appIdOnce ??= appId().catch((err: unknown) => {
        appIdOnce = undefined; // not memoized: asked again next time, as the SDK would
        throw err;
      })),
    ...(config.authSchemePreference !== undefined
      ? { authSchemePreference: config.authSchemePreference }
      : {}),
    ...(withMaxAttempts ? { maxAttempts: config.maxAttempts } : {}),
  };
}
