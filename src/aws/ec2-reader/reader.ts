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
//
// How it reads (the hot path of every EC2 inventory read; most elements of an instance are skipped):
// the structure of the document — tags, names, end tags — is read from its code units in a typed
// array (the body's bytes when it is ASCII, as EC2's answers nearly always are), never by making a
// string: a start tag is matched against the current shape's members by length and codes, and the
// end tag of a skipped element against its start tag's position, kept on a stack. Only the values
// returned become strings: decoded from the bytes when the body is ASCII, as a fresh string each —
// a slice of the body's string would be a V8 "sliced string" that keeps the whole body (≈ 90 KB a
// page) alive as long as any value read from it. Output objects: see compiled.ts.
import { isAscii } from 'node:buffer';
import { endianness } from 'node:os';
import type { ReadOperation } from './projection.js';
import type { Compiled, Member, ReadOutput } from './compiled.js';
import { COMPILED, build, codes, slots } from './compiled.js';
import { NOT_UNDERSTOOD, decodeEntities, emptyValue, giveUp, isTrue, timestamp } from './values.js';

export type { ReadOutput } from './compiled.js';

/**
 * `xml` (the body of a 2xx answer to `operation`) as the SDK would deserialize it, restricted to the
 * projection's fields; undefined when the reader cannot be sure (the caller then asks the SDK).
 * `bytes`: the UTF-8 bytes `xml` was decoded from, if the caller has them (saves encoding it again).
 */
export function readEc2Response(
  operation: ReadOperation,
  xml: string,
  bytes?: Uint8Array,
): ReadOutput | undefined {
  const compiled = COMPILED.get(operation);
  if (!compiled) return undefined;
  try {
    const units = unitsOf(xml, bytes);
    const ascii = units === bytes && isAscii(bytes) ? asBuffer(bytes) : undefined;
    return new Scanner(xml, units, ascii).document(compiled.root, compiled.rootCodes, compiled.shape);
  } catch (err) {
    slots.fill(undefined); // the values of a read given up are garbage: not kept alive here
    if (err === NOT_UNDERSTOOD) return undefined;
    throw err;
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The code units of a document, index for index: `units[k] === xml.charCodeAt(k)`, where it matters. */
type Units = Uint8Array | Uint16Array;

/**
 * The code units of `xml`. When its UTF-8 bytes are as many as its UTF-16 code units, each byte is
 * one unit (every character is ASCII, or an invalid byte decoded as one U+FFFD): the bytes serve, as
 * the ASCII bytes equal the units and no other byte equals an ASCII one. Otherwise a copy as UTF-16.
 */
function unitsOf(xml: string, bytes?: Uint8Array): Units {
  if (bytes !== undefined) {
    if (bytes.length === xml.length) return bytes;
  } else {
    const utf8 = Buffer.from(xml, 'utf8');
    if (utf8.length === xml.length) return utf8;
  }
  const utf16 = Buffer.from(xml, 'utf16le');
  if (LITTLE_ENDIAN && utf16.byteOffset % 2 === 0)
    return new Uint16Array(utf16.buffer, utf16.byteOffset, xml.length);
  return Uint16Array.from(xml, (_, k) => xml.charCodeAt(k));
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const CR = 13;
const LF = 10;
const ITEM = codes('item');

function isWhitespace(c: number | undefined): boolean {
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

  /** `u`: the code units of `x` (unitsOf); `ascii`: the bytes of `x` when every one is ASCII. */
  constructor(
    private readonly x: string,
    private readonly u: Units,
    private readonly ascii: Buffer | undefined,
  ) {}

  /**
   * `x.slice(from, to)`; as a string of its own when `kept` (see the lead comment). V8 copies slices
   * shorter than 13 characters anyway, and decoding from the bytes costs a call into C++.
   */
  private slice(from: number, to: number, kept: boolean): string {
    return kept && this.ascii && to - from >= 13
      ? this.ascii.toString('latin1', from, to)
      : this.x.slice(from, to);
  }

  document(root: string, rootCodes: Uint8Array, shape: Compiled): ReadOutput {
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
    return this.struct(shape, rootCodes);
  }

  private skipWhitespace(): void {
    const u = this.u;
    while (this.i < u.length && isWhitespace(u[this.i])) this.i++;
  }

  /** The position of the first `<` from `from`; giveUp when there is none. */
  private nextLt(from: number): number {
    const u = this.u;
    const n = u.length;
    let k = from;
    while (k < n && u[k] !== LT) k++;
    if (k === n) giveUp();
    return k;
  }

  /**
   * Text between the children of a structure or list: the SDK's parser drops it only when it is
   * whitespace with a line break (or nothing); anything else would replace the element by its text.
   */
  private containerText(from: number, to: number): void {
    const u = this.u;
    let lineBreak = false;
    for (let k = from; k < to; k++) {
      const c = u[k];
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
    const u = this.u;
    const start = this.i + 1;
    let c = u[start] ?? 0;
    if (c >= 128 || NAME[c] !== 1) giveUp(); // also `<!…`, `<?…`, the end of the document
    let j = start + 1;
    c = u[j] ?? 0;
    while (c < 128 && NAME[c] !== 0) c = u[++j] ?? 0;
    this.nameAt = start;
    const length = j - start;
    if (c === GT) {
      this.selfClosing = false;
      this.i = j + 1;
      return length;
    }
    while (isWhitespace(c)) c = u[++j] ?? 0;
    if (c === GT) {
      this.selfClosing = false;
      this.i = j + 1;
    } else if (c === SLASH && u[j + 1] === GT) {
      this.selfClosing = true;
      this.i = j + 2;
    } else {
      giveUp(); // an attribute, or a character no tag name has
    }
    return length;
  }

  /** At `</`: the end tag of `name` (whitespace around the name allowed, as the SDK's parser trims it). */
  private closeTag(name: Uint8Array): void {
    const u = this.u;
    const at = this.i + 2;
    const length = name.length;
    let k = 0;
    while (k < length && u[at + k] === name[k]) k++;
    if (k === length && u[at + length] === GT) {
      this.i = at + length + 1;
      return;
    }
    this.closeTagAt(at, name, 0, length);
  }

  /**
   * From `at` (after `</`): whitespace, the name found in `source` at `nameAt` (`length` long),
   * whitespace, `>`. The end tag of a skipped element is checked against its start tag's units.
   */
  private closeTagAt(at: number, source: Units, nameAt: number, length: number): void {
    const u = this.u;
    let j = at;
    while (isWhitespace(u[j])) j++;
    for (let k = 0; k < length; k++) if (u[j + k] !== source[nameAt + k]) giveUp();
    j += length;
    let c = u[j];
    while (isWhitespace(c)) c = u[++j];
    if (c !== GT) giveUp();
    this.i = j + 1;
  }

  /** The unit after the next `<`, after container text (checked): at a child or the end tag. */
  private nextTag(): number | undefined {
    const u = this.u;
    let lt = this.i;
    if (u[lt] !== LT) {
      lt = this.nextLt(lt);
      this.containerText(this.i, lt);
      this.i = lt;
    }
    return u[lt + 1];
  }

  /** The member of `shape` named by the tag just opened (at nameAt, `length` long), if any. */
  private member(shape: Compiled, length: number): Member | undefined {
    const candidates = shape.byLength[length];
    if (candidates === undefined) return undefined;
    const u = this.u;
    const at = this.nameAt;
    next: for (let m = 0; m < candidates.length; m++) {
      const member = candidates[m]!;
      const xml = member.xml;
      for (let k = 0; k < length; k++) if (u[at + k] !== xml[k]) continue next;
      return member;
    }
    return undefined;
  }

  /** The members of a structure up to its end tag `</tag>`. */
  private struct(shape: Compiled, tag: Uint8Array): ReadOutput {
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

  private list(item: Compiled, tag: Uint8Array): ReadOutput[] {
    const out: ReadOutput[] = [];
    const u = this.u;
    for (;;) {
      if (this.nextTag() === SLASH) {
        this.closeTag(tag);
        return out;
      }
      const length = this.openTag();
      const at = this.nameAt;
      if (
        length !== 4 ||
        u[at] !== ITEM[0] ||
        u[at + 1] !== ITEM[1] ||
        u[at + 2] !== ITEM[2] ||
        u[at + 3] !== ITEM[3]
      )
        giveUp();
      out.push(this.selfClosing ? {} : this.struct(item, ITEM));
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
        return this.text(xml, true);
      case 'number':
        return Number(this.text(xml, false));
      case 'boolean':
        return isTrue(this.text(xml, false));
      case 'timestamp':
        return timestamp(this.text(xml, false));
    }
  }

  /**
   * The text of a leaf element up to its end tag `</tag>`, as the SDK's parser reads it; `kept`: the
   * string itself is returned (not only read into a number, boolean or date).
   */
  private text(tag: Uint8Array, kept: boolean): string {
    const x = this.x;
    const from = this.i;
    const lt = this.nextLt(from);
    if (this.u[lt + 1] !== SLASH) giveUp(); // a child, comment or CDATA
    this.i = lt;
    this.closeTag(tag);
    if (lt === from) return '';
    if (this.nextAmp < from) this.nextAmp = indexOrEnd(x, '&', from);
    if (this.nextCr < from) this.nextCr = indexOrEnd(x, '\r', from);
    // The SDK's parser reads text that trim() empties and that holds a line break as empty; text that
    // starts with a printable ASCII character (33–126) never is. trim() strips every JavaScript
    // whitespace (U+00A0, U+3000, U+FEFF, \v, \f …), so anything else takes the full check.
    const first = this.u[from] ?? 0;
    if (this.nextAmp > lt && this.nextCr > lt && first >= 33 && first <= 126)
      return this.slice(from, lt, kept);
    let text = this.slice(from, lt, kept);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    if (text.includes('&')) text = decodeEntities(text);
    if (text.includes('\n') && text.trim() === '') return '';
    return text;
  }

  /**
   * An element the projection does not read (its name at `tagAt`): skipped, but its tags must still
   * nest correctly — each end tag is checked against its start tag's position on the stack.
   */
  private skip(tagAt: number, tagLength: number): void {
    const u = this.u;
    let stack = skipStack;
    stack[0] = tagAt;
    stack[1] = tagLength;
    let depth = 2;
    while (depth > 0) {
      const lt = this.nextLt(this.i);
      this.i = lt;
      const c = u[lt + 1];
      if (c === SLASH) {
        depth -= 2;
        this.closeTagAt(lt + 2, u, stack[depth]!, stack[depth + 1]!);
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
