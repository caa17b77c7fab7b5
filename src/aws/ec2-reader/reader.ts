// A reader of EC2 Describe answers (query-protocol XML) that builds only the fields of projection.ts,
// with the same values the SDK's deserializer gives them — and gives up (undefined) on anything it is
// not sure it reads exactly as the SDK does, so the caller falls back to the SDK for that answer.
//
// What it accepts is the XML EC2 sends: an optional XML declaration, the `<OperationResponse>` root
// (namespace attributes only), elements without attributes, `<item>` lists, text with the five named
// entities and numeric references, whitespace between elements. Every tag of the document is checked
// to close in order, the skipped ones too, so an answer the SDK would refuse is never accepted.
//
// What makes it give up (the SDK then reads the answer): comments, CDATA, processing instructions or a
// DOCTYPE in the document; attributes below the root; text other than line-broken whitespace between
// elements (the SDK's parser turns such an element into its text); an element of the projection twice
// in one structure; an unknown named entity, a character reference beyond U+FFFF or a bare `&`; a
// timestamp that is not `YYYY-MM-DDThh:mm:ss[.fff]Z` with a real date; a structure where text was
// expected or text where a structure or list was; a list child other than `<item>`; an empty timestamp.
import type { Field, ReadOperation, Shape } from './projection.js';
import { OUTPUTS } from './projection.js';

/** The SDK-shaped answer of an operation without `$metadata` (NextToken, Reservations, …). */
export type ReadOutput = Record<string, unknown>;

// The scanner never makes a string of a tag name: a start tag is matched against the members of the
// current shape by length and character codes, and the end tag of a skipped element is checked
// against the position of its start tag (a stack of positions). Only the values it returns are
// sliced out of the document. This is the hot path of every EC2 inventory read (most elements of an
// instance are skipped), so it allocates nothing but the output.
//
// The output objects are built last, from a template per set of members present (see build): V8 turns
// an object that gets more than about 20 properties by computed-key stores into a slow dictionary,
// which made building an instance cost as much as reading it and most of the garbage.

interface Compiled {
  /** Members by the length of their XML element name (the first check of a start tag). */
  readonly byLength: readonly (readonly Member[] | undefined)[];
  /** In the projection's order, which is the order of the output's properties. */
  readonly members: readonly Member[];
  /** Mask of the members present → an object with exactly those properties (fast, see build). */
  readonly templates: Map<number, ReadOutput>;
}
interface Member {
  readonly name: string;
  /** Its place in Compiled.members, and in a structure's slots. */
  readonly index: number;
  readonly xml: string;
  /** Bit of this member in a structure's mask of members already read. */
  readonly bit: number;
  readonly field: Field;
  readonly shape?: Compiled;
}

function compile(shape: Shape): Compiled {
  const fields = Object.entries(shape);
  // One bit per member in an int32 mask (struct); no shape of the projection comes near 32.
  if (fields.length > 32) throw new Error('the fast EC2 reader reads at most 32 members per shape');
  const byLength: Member[][] = [];
  const members = fields.map(([name, field], index) => {
    const sub = field.kind === 'struct' ? field.shape : field.kind === 'list' ? field.item : undefined;
    const member: Member = {
      name,
      index,
      xml: field.xml,
      bit: 1 << index,
      field,
      ...(sub ? { shape: compile(sub) } : {}),
    };
    (byLength[field.xml.length] ??= []).push(member);
    return member;
  });
  return { byLength: Array.from(byLength, (m) => m), members, templates: new Map() };
}

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
const slots: unknown[] = [];

const COMPILED = new Map<string, Compiled>(
  Object.entries(OUTPUTS).map(([operation, shape]) => [operation, compile(shape)]),
);

/** Thrown inside the scanner when the document is beyond what it reads exactly; never escapes. */
const NOT_UNDERSTOOD = new Error('not understood by the fast EC2 reader');
function giveUp(): never {
  throw NOT_UNDERSTOOD;
}

/**
 * `xml` (the body of a 2xx answer to `operation`) as the SDK would deserialize it, restricted to the
 * projection's fields; undefined when the reader cannot be sure (the caller then asks the SDK).
 */
export function readEc2Response(operation: ReadOperation, xml: string): ReadOutput | undefined {
  const shape = COMPILED.get(operation);
  if (!shape) return undefined;
  try {
    return new Scanner(xml).document(`${operation}Response`, shape);
  } catch (err) {
    if (err === NOT_UNDERSTOOD) return undefined;
    throw err;
  }
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const CR = 13;
const LF = 10;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === LF || c === CR;
}
/** 1: may start a name, 2: may continue one (ASCII; anything else ends a name). */
const NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const start = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  if (start) NAME[c] = 1;
  else if ((c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58) NAME[c] = 2;
}

/** `<Root xmlns="…" xmlns:x='…'>` or `<Root/>`: namespace declarations only. */
const ROOT_TAG =
  /<([A-Za-z_][\w.:-]*)((?:[ \t\r\n]+xmlns(?::[\w.-]+)?[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*)[ \t\r\n]*(\/?)>/y;

/**
 * The start positions and lengths of the open elements being skipped, reused by every read (reads
 * are synchronous, so one at a time); grows when a document nests deeper.
 */
let skipStack = new Int32Array(64);

class Scanner {
  private i = 0;
  /** Set by openTag: whether the tag just read was `<name/>`. */
  private selfClosing = false;
  /** Set by openTag: where the tag's name starts (its length is openTag's result). */
  private nameAt = 0;
  /** The first slot not used by the structures being read. */
  private top = 0;
  /**
   * The next `&` and carriage return at or after the text being read (x.length: none), found once
   * for the whole document instead of once per value: text without either needs no more than a slice.
   */
  private nextAmp = -1;
  private nextCr = -1;

  constructor(private readonly x: string) {}

  document(root: string, shape: Compiled): ReadOutput {
    const x = this.x;
    this.skipWhitespace();
    if (x.startsWith('<?', this.i)) {
      const end = x.indexOf('?>', this.i + 2);
      if (end < 0) giveUp();
      this.i = end + 2;
      this.skipWhitespace();
    }
    ROOT_TAG.lastIndex = this.i;
    const match = ROOT_TAG.exec(x);
    if (!match || match[1] !== root) giveUp();
    this.i = ROOT_TAG.lastIndex;
    if (match[3] === '/') return {};
    // What follows the root's end tag is ignored, as the SDK's parser ignores it.
    return this.struct(shape, root);
  }

  private skipWhitespace(): void {
    const x = this.x;
    while (this.i < x.length && isWhitespace(x.charCodeAt(this.i))) this.i++;
  }

  /**
   * Text between the children of a structure or list: the SDK's parser drops it only when it is
   * whitespace with a line break (or nothing); anything else would replace the element by its text.
   */
  private containerText(from: number, to: number): void {
    const x = this.x;
    let lineBreak = false;
    for (let k = from; k < to; k++) {
      const c = x.charCodeAt(k);
      if (!isWhitespace(c)) giveUp();
      if (c === LF || c === CR) lineBreak = true;
    }
    if (!lineBreak) giveUp();
  }

  /**
   * At `<`: reads the element's name (its start in nameAt, its length returned) and the end of its
   * start tag; sets selfClosing.
   */
  private openTag(): number {
    const x = this.x;
    const start = this.i + 1;
    if (NAME[x.charCodeAt(start)] !== 1) giveUp(); // also `<!…`, `<?…`, the end of the document
    let j = start + 1;
    let c = x.charCodeAt(j);
    while (c < 128 && NAME[c] !== 0) c = x.charCodeAt(++j);
    this.nameAt = start;
    const length = j - start;
    if (c === GT) {
      this.selfClosing = false;
      this.i = j + 1;
      return length;
    }
    while (isWhitespace(c)) c = x.charCodeAt(++j);
    if (c === GT) {
      this.selfClosing = false;
      this.i = j + 1;
    } else if (c === SLASH && x.charCodeAt(j + 1) === GT) {
      this.selfClosing = true;
      this.i = j + 2;
    } else {
      giveUp(); // an attribute, or a character no tag name has
    }
    return length;
  }

  /** At `</`: the end tag of `name` (whitespace around the name allowed, as the SDK's parser trims it). */
  private closeTag(name: string): void {
    const x = this.x;
    const at = this.i + 2;
    if (x.startsWith(name, at) && x.charCodeAt(at + name.length) === GT) {
      this.i = at + name.length + 1;
      return;
    }
    this.closeTagAt(at, name, 0, name.length);
  }

  /**
   * From `at` (after `</`): whitespace, the name found in `source` at `nameAt` (`length` long),
   * whitespace, `>`. Compared by character codes: the end tags of skipped elements have no string.
   */
  private closeTagAt(at: number, source: string, nameAt: number, length: number): void {
    const x = this.x;
    let j = at;
    while (isWhitespace(x.charCodeAt(j))) j++;
    for (let k = 0; k < length; k++) if (x.charCodeAt(j + k) !== source.charCodeAt(nameAt + k)) giveUp();
    j += length;
    let c = x.charCodeAt(j);
    while (isWhitespace(c)) c = x.charCodeAt(++j);
    if (c !== GT) giveUp();
    this.i = j + 1;
  }

  /** The position of the next `<` after container text (checked); at a child or the end tag. */
  private nextTag(): number {
    const x = this.x;
    let lt = this.i;
    if (x.charCodeAt(lt) !== LT) {
      lt = x.indexOf('<', lt);
      if (lt < 0) giveUp();
      this.containerText(this.i, lt);
      this.i = lt;
    }
    return x.charCodeAt(lt + 1);
  }

  /** The member of `shape` named by the tag just opened (at nameAt, `length` long), if any. */
  private member(shape: Compiled, length: number): Member | undefined {
    const candidates = shape.byLength[length];
    if (candidates === undefined) return undefined;
    const x = this.x;
    const at = this.nameAt;
    for (let k = 0; k < candidates.length; k++) {
      const member = candidates[k]!;
      if (x.startsWith(member.xml, at)) return member;
    }
    return undefined;
  }

  /** The members of a structure up to its end tag `</tag>`. */
  private struct(shape: Compiled, tag: string): ReadOutput {
    const base = this.top;
    this.top = base + shape.members.length;
    let seen = 0;
    for (;;) {
      if (this.nextTag() === SLASH) {
        this.closeTag(tag);
        this.top = base;
        return build(shape, base, seen);
      }
      const length = this.openTag();
      const member = this.member(shape, length);
      if (member === undefined) {
        if (!this.selfClosing) this.skip(this.nameAt, length);
        continue;
      }
      if ((seen & member.bit) !== 0) giveUp(); // the SDK would read a repeated element as a list
      seen |= member.bit;
      slots[base + member.index] = this.selfClosing ? emptyValue(member.field) : this.value(member);
    }
  }

  private list(item: Compiled, tag: string): ReadOutput[] {
    const out: ReadOutput[] = [];
    for (;;) {
      if (this.nextTag() === SLASH) {
        this.closeTag(tag);
        return out;
      }
      if (this.openTag() !== 4 || !this.x.startsWith('item', this.nameAt)) giveUp();
      out.push(this.selfClosing ? {} : this.struct(item, 'item'));
    }
  }

  private value(member: Member): unknown {
    const { field, xml } = member;
    switch (field.kind) {
      case 'struct':
        return this.struct(member.shape!, xml);
      case 'list':
        return this.list(member.shape!, xml);
      case 'string':
        return this.text(xml);
      case 'number':
        return Number(this.text(xml));
      case 'boolean':
        return isTrue(this.text(xml));
      case 'timestamp':
        return timestamp(this.text(xml));
    }
  }

  /** The text of a leaf element up to its end tag `</tag>`, as the SDK's parser reads it. */
  private text(tag: string): string {
    const x = this.x;
    const from = this.i;
    const lt = x.indexOf('<', from);
    if (lt < 0 || x.charCodeAt(lt + 1) !== SLASH) giveUp(); // a child, comment or CDATA
    this.i = lt;
    this.closeTag(tag);
    if (lt === from) return '';
    if (this.nextAmp < from) this.nextAmp = indexOrEnd(x, '&', from);
    if (this.nextCr < from) this.nextCr = indexOrEnd(x, '\r', from);
    // The SDK's parser reads whitespace with a line break as empty: only a leading whitespace can start that.
    if (this.nextAmp > lt && this.nextCr > lt && !isWhitespace(x.charCodeAt(from))) return x.slice(from, lt);
    let text = x.slice(from, lt);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    if (text.includes('&')) text = decodeEntities(text);
    if (isWhitespace(text.charCodeAt(0)) && text.trim() === '' && text.includes('\n')) return '';
    return text;
  }

  /**
   * An element the projection does not read (its name at `tagAt`): skipped, but its tags must still
   * nest correctly — each end tag is checked against its start tag's position on the stack.
   */
  private skip(tagAt: number, tagLength: number): void {
    const x = this.x;
    let stack = skipStack;
    stack[0] = tagAt;
    stack[1] = tagLength;
    let depth = 2;
    while (depth > 0) {
      const lt = x.indexOf('<', this.i);
      if (lt < 0) giveUp();
      this.i = lt;
      const c = x.charCodeAt(lt + 1);
      if (c === SLASH) {
        depth -= 2;
        this.closeTagAt(lt + 2, x, stack[depth]!, stack[depth + 1]!);
      } else if (c === BANG || c === QUESTION) giveUp();
      else {
        const length = this.openTag();
        if (this.selfClosing) continue;
        if (depth === stack.length) {
          const grown = new Int32Array(stack.length * 2);
          grown.set(stack);
          skipStack = stack = grown;
        }
        stack[depth] = this.nameAt;
        stack[depth + 1] = length;
        depth += 2;
      }
    }
  }
}

/** The position of the first `char` in `x` from `from`, or x.length when there is none. */
function indexOrEnd(x: string, char: string, from: number): number {
  const at = x.indexOf(char, from);
  return at < 0 ? x.length : at;
}

/** The structure whose values are in the slots from `base`, for the members in `mask`; clears them. */
function build(shape: Compiled, base: number, mask: number): ReadOutput {
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

/** What the SDK reads as true: the text `true`, in any case (`text.toLowerCase() === 'true'`). */
function isTrue(text: string): boolean {
  return (
    text.length === 4 &&
    (text.charCodeAt(0) | 32) === 116 &&
    (text.charCodeAt(1) | 32) === 114 &&
    (text.charCodeAt(2) | 32) === 117 &&
    (text.charCodeAt(3) | 32) === 101
  );
}

/** What the SDK makes of `<name/>` (or `<name></name>`) for each kind of field. */
function emptyValue(field: Field): unknown {
  switch (field.kind) {
    case 'string':
      return '';
    case 'number':
      return 0; // Number('')
    case 'boolean':
      return false;
    case 'struct':
      return {};
    case 'list':
      return [];
    case 'timestamp':
      return giveUp(); // the SDK refuses it
  }
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-zA-Z][a-zA-Z0-9]{0,30}));/g;

/** The SDK parser's entity decoding, for the entities it decodes faithfully; otherwise giveUp. */
function decodeEntities(text: string): string {
  let decoded = 0;
  const out = text.replace(ENTITY, (_, hex: string | undefined, dec: string | undefined, named?: string) => {
    decoded++;
    if (named !== undefined) return NAMED[named] ?? giveUp();
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec!, 10);
    if (code > 0xffff) giveUp(); // the SDK keeps only the low 16 bits
    return String.fromCharCode(code);
  });
  let ampersands = 0;
  for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) ampersands++;
  if (ampersands !== decoded) giveUp(); // a bare `&` (the SDK keeps it as it is)
  return out;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An RFC 3339 UTC timestamp as the SDK builds it; giveUp for offsets, leap seconds, impossible dates.
 * Exactly `YYYY-MM-DDThh:mm:ss[.f{1,9}]Z` (ASCII digits), read by character codes: one per instance.
 */
function timestamp(text: string): Date {
  const length = text.length;
  if (length < 20 || length === 21 || length > 30) giveUp();
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(length - 1) !== 90 // Z
  )
    giveUp();
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hours = digits(text, 11, 2);
  const minutes = digits(text, 14, 2);
  const seconds = digits(text, 17, 2);
  let ms = 0;
  if (length > 20) {
    // `.` and 1 to 9 digits before the Z
    if (text.charCodeAt(19) !== 46) giveUp();
    const places = length - 21;
    const fraction = digits(text, 20, places);
    // Exactly Math.round(parseFloat(`0.${fraction}`) * 1000), as before, where it is not an integer.
    if (places <= 3) ms = fraction * 10 ** (3 - places);
    else if (fraction !== 0) ms = Math.round(parseFloat(`0.${text.slice(20, length - 1)}`) * 1000);
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > maxDay || hours > 23 || minutes > 59 || seconds > 59)
    giveUp();
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, ms));
  if (year < 100) date.setUTCFullYear(year); // Date.UTC reads 0–99 as 1900–1999
  return date;
}

/** The number written by the `count` ASCII digits of `text` at `at`; giveUp on any other character. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let k = at; k < at + count; k++) {
    const d = text.charCodeAt(k) - 48;
    if (!(d >= 0 && d <= 9)) giveUp();
    value = value * 10 + d;
  }
  return value;
}
