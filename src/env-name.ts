// The shape of an environment variable's name, for every option that names one (a passphrase, a
// bearer token): letters, digits and underscores, not starting with a digit.
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
