// @peculiar/x509 2.x depends on tsyringe, which refuses to load without the `reflect-metadata`
// polyfill — a package this project does not install. tsyringe only reads constructor parameter types
// (absent here: no decorators are compiled), so a minimal metadata store is enough for the tests.
// Must be imported before @peculiar/x509.
type MetadataTarget = object;

const store = new WeakMap<MetadataTarget, Map<unknown, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;

if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: MetadataTarget): void => {
    let entries = store.get(target);
    if (!entries) store.set(target, (entries = new Map()));
    entries.set(key, value);
  };
  reflect.getMetadata = (key: unknown, target: MetadataTarget): unknown => {
    for (let t: MetadataTarget | null = target; t; t = Object.getPrototypeOf(t) as MetadataTarget | null) {
      const entries = store.get(t);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
  reflect.getOwnMetadata = (key: unknown, target: MetadataTarget): unknown => store.get(target)?.get(key);
  reflect.hasMetadata = (key: unknown, target: MetadataTarget): boolean =>
    (reflect.getMetadata as (k: unknown, t: MetadataTarget) => unknown)(key, target) !== undefined;
  reflect.metadata = (key: unknown, value: unknown) => (target: MetadataTarget) => {
    (reflect.defineMetadata as (k: unknown, v: unknown, t: MetadataTarget) => void)(key, value, target);
  };
}

export {};
