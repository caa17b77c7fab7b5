// By-id Describe calls that tolerate ids AWS does not know. EC2 fails the WHOLE call when one id of the
// list is unknown (`InvalidInstanceID.NotFound` ...) or malformed (`... .Malformed`); its message names
// the culprits, e.g. "The instance ID 'i-1' does not exist", "The instance IDs 'i-1, i-2' do not exist"
// (AWS's wording, which the sim reproduces) or `Invalid id: "x" (expecting "i-...")`. We drop the ids
// the message names and ask again for the rest; should a message name none of ours (an unknown
// wording), the list is split in halves until the culprit stands alone — slower, never wrong.
import { EC2_IDS_PER_CALL } from './ec2-lists.js';

/** Rounds of "drop the named ids and ask again" before falling back to halving. */
const MAX_NAMED_ROUNDS = 3;

/** The ids among `requested` that an EC2 error message names. */
export function idsNamedIn(message: string, requested: ReadonlySet<string>): Set<string> {
  const named = new Set<string>();
  const consider = (candidate: string) => {
    const id = candidate.trim();
    if (requested.has(id)) named.add(id);
  };
  for (const quoted of message.matchAll(/'([^']*)'|"([^"]*)"/g)) {
    const text = quoted[1] ?? quoted[2] ?? '';
    consider(text);
    for (const part of text.split(/[,\s]+/)) consider(part);
  }
  for (const bare of message.matchAll(/[A-Za-z]+-[0-9A-Za-z]+/g)) consider(bare[0]);
  return named;
}

/** Splits ids into lists of at most `size` (1,000: one Describe call each). */
export function chunk<T>(items: readonly T[], size = EC2_IDS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Describes `ids` with `describe` (one AWS call per invocation), dropping the ids AWS does not know.
 * `idErrorMessage` returns AWS's message when an error is a NotFound/Malformed refusal of the list,
 * undefined for any other error (which is rethrown).
 */
export async function describeKnownIds<T>(
  ids: readonly string[],
  describe: (ids: string[]) => Promise<T[]>,
  idErrorMessage: (err: unknown) => string | undefined,
): Promise<T[]> {
  let remaining = [...new Set(ids)];
  for (let round = 0; remaining.length > 0; round++) {
    try {
      return await describe(remaining);
    } catch (err) {
      const message = idErrorMessage(err);
      if (message === undefined) throw err;
      const named = idsNamedIn(message, new Set(remaining));
      if (named.size === 0 || round >= MAX_NAMED_ROUNDS) return halve(remaining, describe, idErrorMessage);
      remaining = remaining.filter((id) => !named.has(id));
    }
  }
  return [];
}

async function halve<T>(
  ids: string[],
  describe: (ids: string[]) => Promise<T[]>,
  idErrorMessage: (err: unknown) => string | undefined,
): Promise<T[]> {
  if (ids.length <= 1) return []; // the one id AWS refused
  const middle = Math.ceil(ids.length / 2);
  const halves = await Promise.all(
    [ids.slice(0, middle), ids.slice(middle)].map((part) => describeKnownIds(part, describe, idErrorMessage)),
  );
  return halves.flat();
}
