/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** A failure that makes the command useless (AWS or credentials unusable): one line, exit code 1. */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** The output's reader went away (a closed pipe): the command stops quietly. */
export class OutputClosedError extends Error {
  override name = 'OutputClosedError';
  constructor() {
    super('the output was closed');
  }
}
