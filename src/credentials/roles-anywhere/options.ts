// The configuration of the native Roles Anywhere provider. Secrets never appear here in clear: the
// passphrase is read from the environment variable or the file these options name.

export interface RolesAnywhereOptions {
  /** Path to a PEM file: the leaf certificate first, optionally followed by intermediates. */
  certificate: string;
  /** Path to a PEM bundle of intermediate certificates (at most 5 intermediates in all). */
  intermediates?: string;
  /** Path to the PEM private key: PKCS#1, SEC1, PKCS#8 or encrypted PKCS#8. */
  privateKey: string;
  /** Name of an environment variable holding the key's passphrase. */
  passphraseEnv?: string;
  /** Path to a file holding the key's passphrase (one trailing newline is ignored). */
  passphraseFile?: string;
  trustAnchorArn: string;
  profileArn: string;
  roleArn: string;
  /** 900..43200, default 3600; the session lasts min(this, the profile's duration). */
  durationSeconds?: number;
  /** Requires a profile that accepts role session names; default: the service uses the certificate serial. */
  roleSessionName?: string;
  /**
   * Override, e.g. the sim's URL. Default: AWS_ENDPOINT_URL_ROLESANYWHERE or AWS_ENDPOINT_URL when set,
   * else https://rolesanywhere.<region>.amazonaws.com (.amazonaws.com.cn in China), Region taken from
   * the trust anchor ARN.
   */
  endpoint?: string;
  /** Use rolesanywhere-fips.<region> (also when AWS_USE_FIPS_ENDPOINT=true). Default false. */
  useFipsEndpoint?: boolean;
  /** Credentials are renewed this long before they expire; default 300. */
  refreshWindowSeconds?: number;
}

export const DEFAULT_DURATION_SECONDS = 3600;
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;
export const DEFAULT_REFRESH_WINDOW_SECONDS = 300;
