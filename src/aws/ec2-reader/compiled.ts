// The projection's shapes (projection.ts) compiled for the fast EC2 reader (reader.ts): members found
// by the length and character codes of their element names, and the output objects built last, from
// a template per set of members present — V8 turns an object that gets more than about 20 properties
// by computed-key stores into a slow dictionary, which made building an instance cost as much as
// reading it, and most of the garbage.
import type { Field, Shape } from './projection.js';
import { OUTPUTS } from './projection.js';

/** The SDK-shaped answer of an operation without `$metadata` (NextToken, Reservations, …). */
export type ReadOutput = Record<string, unknown>;

export interface Compiled {
  /** Members by the length of their XML element name (the first check of a start tag). */
  readonly byLength: readonly (readonly Member[] | undefined)[];
  /** In the projection's order, which is the order of the output's properties. */
  readonly members: readonly Member[];
  /** Mask of the members present → an object with exactly those properties (see build). */
  readonly templates: Map<number, ReadOutput>;
}

export interface Member {
  readonly name: string;
  /** Its place in Compiled.members, and in a structure's slots. */
  readonly index: number;
  /** Bit of this member in a structure's mask of members already read. */
  readonly bit: number;
  /** The character codes of its XML element name (all ASCII). */
  readonly xml: Uint8Array;
  readonly field: Field;
  readonly shape?: Compiled;
}

/** The character codes of an ASCII name. */
export function codes(name: string): Uint8Array {
  return Uint8Array.from(name, (c) => c.charCodeAt(0));
}

function compile(shape: Shape): Compiled {
  const fields = Object.entries(shape);
  // One bit per member in an int32 mask; no shape of the projection comes near 32.
  if (fields.length > 32) throw new Error('the fast EC2 reader reads at most 32 members per shape');
  const byLength: Member[][] = [];
  const members = fields.map(([name, field], index) => {
    if (!/^[A-Za-z_][\w.:-]*$/.test(field.xml)) throw new Error(`not an ASCII element name: ${field.xml}`);
    const sub = field.kind === 'struct' ? field.shape : field.kind === 'list' ? field.item : undefined;
    const member: Member = {
      name,
      index,
      bit: 1 << index,
      xml: codes(field.xml),
      field,
      ...(sub ? { shape: compile(sub) } : {}),
    };
    (byLength[field.xml.length] ??= []).push(member);
    return member;
  });
  return { byLength: Array.from(byLength, (m) => m), members, templates: new Map() };
}

/** Each operation's compiled answer shape, and the character codes of its root element. */
export const COMPILED = new Map<string, { shape: Compiled; root: string; rootCodes: Uint8Array }>(
  Object.entries(OUTPUTS).map(([operation, shape]) => [
    operation,
    { shape: compile(shape), root: `${operation}Response`, rootCodes: codes(`${operation}Response`) },
  ]),
);

/** Templates kept per shape at most; beyond (members present in ever new sets), plain objects. */
const MAX_TEMPLATES = 4096;

/**
 * An object with the properties of `shape`'s members in `mask`, in the projection's order, all null:
 * made by JSON.parse, which gives it a fast map (named properties) that every copy then shares.
 */
function template(shape: Compiled, mask: number): ReadOutput | undefined {
  let made = shape.templates.get(mask);
  if (made === undefined && shape.templates.size < MAX_TEMPLATES) {
    const names = shape.members.filter((m) => (mask & m.bit) !== 0).map((m) => JSON.stringify(m.name));
    made = JSON.parse(`{${names.map((n) => `${n}:null`).join(',')}}`) as ReadOutput;
    shape.templates.set(mask, made);
  }
  return made;
}

/**
 * The values of the structures being read, each structure owning one slot per member of its shape
 * above those of the structure around it; reused by every read (reads are synchronous).
 */
export const slots: unknown[] = [];

/** The structure whose values are in the slots from `base`, for the members in `mask`; clears them. */
export function build(shape: Compiled, base: number, mask: number): ReadOutput {
  if (mask === 0) return {};
  const made = template(shape, mask);
  const out: ReadOutput = made === undefined ? {} : { ...made };
  for (const member of shape.members) {
    if ((mask & member.bit) === 0) continue;
    out[member.name] = slots[base + member.index];
    slots[base + member.index] = undefined; // no value outlives its read here
  }
  return out;
}
