// What one HTTP request did, gathered while it runs and written as its log line at the end: its id,
// the operation, the AWS calls started on its behalf and the error codes it answered with. The record
// travels with the request's async work (AsyncLocalStorage), so the AWS-call observer, deep in the
// data layer, finds the request it works for without anything being passed down. (A call shared by
// two requests — one AssumeRole both wait for — counts for the one that started it.)
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestRecord {
  id: string;
  operationName?: string;
  awsCalls: number;
  errorCodes: Set<string>;
}

const storage = new AsyncLocalStorage<RequestRecord>();

export function newRecord(id: string): RequestRecord {
  return { id, awsCalls: 0, errorCodes: new Set() };
}

export function withRecord<T>(record: RequestRecord, work: () => Promise<T>): Promise<T> {
  return storage.run(record, work);
}

/** The record of the request whose work is running now, if any. */
export function currentRecord(): RequestRecord | undefined {
  return storage.getStore();
}
