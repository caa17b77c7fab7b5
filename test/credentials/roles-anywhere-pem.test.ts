// Where the key passphrase comes from, and that a misplaced passphrase never reaches a message.
import { describe, expect, it } from 'vitest';
import { readPassphrase } from '../../src/credentials/roles-anywhere/pem.js';
import { thrownBy } from '../helpers/rejection.js';

describe('readPassphrase', () => {
  it('reads the variable passphraseEnv names', () => {
    expect(readPassphrase({ passphraseEnv: 'ORGRAPH_KEY_PASS' }, { ORGRAPH_KEY_PASS: 's3cret!' })).toBe(
      's3cret!',
    );
  });

  it('names an unset upper-case variable', () => {
    const err = thrownBy(() => readPassphrase({ passphraseEnv: 'ORGRAPH_KEY_PASS' }, {}));
    expect(err.message).toContain('environment variable ORGRAPH_KEY_PASS is not set or empty');
  });

  it('does not echo a passphrase put where the variable name belongs', () => {
    const err = thrownBy(() => readPassphrase({ passphraseEnv: 'hunter2abc' }, {}));
    expect(err.message).toContain('named by passphraseEnv');
    expect(err.message).not.toContain('hunter2abc');
  });
});
