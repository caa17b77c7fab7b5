// The error a call failed with, for tests that go on to assert on it. `messages`, when given, collects
// each error's message for the tests that check at the end that no message carried a secret.

/** What `promise` rejected with; throws when it resolved instead. */
export async function rejectionOf(promise: Promise<unknown>, messages?: string[]): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    messages?.push((err as Error).message);
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** What `run` threw; throws when it returned instead. */
export function thrownBy(run: () => unknown, messages?: string[]): Error {
  try {
    run();
  } catch (err) {
    messages?.push((err as Error).message);
    return err as Error;
  }
  throw new Error('expected an error to be thrown');
}
