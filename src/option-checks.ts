// Checks of the numeric options the long-lived objects take (limiter, response cache, client pool,
// session broker). A bad value there is a programming error, so it is a TypeError naming the option.

/** `value`, when it is a whole number ≥ 1. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer (got ${value})`);
  return value;
}

/** `value`, when it is a finite number ≥ 0. */
export function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new TypeError(`${name} must be a number ≥ 0 (got ${value})`);
  return value;
}
