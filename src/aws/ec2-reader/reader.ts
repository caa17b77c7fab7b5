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

interface Compiled {
  /** XML element name → [SDK member, field, compiled sub-shape]. */
  readonly byXml: Map<string, Member>;
}
interface Member {
  readonly name: string;
  readonly field: Field;
  readonly shape?: Compiled;
}

function compile(shape: Shape): Compiled {
  const byXml = new Map<string, Member>();
  for (const [name, field] of Object.entries(shape)) {
    const sub = field.kind === 'struct' ? field.shape : field.kind === 'list' ? field.item : undefined;
    byXml.set(field.xml, sub ? { name, field, shape: compile(sub) } : { name, field });
  }
  return { byXml };
}

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

const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58;
}

/** `<Root xmlns="…" xmlns:x='…'>` or `<Root/>`: namespace declarations only. */
const ROOT_TAG =
  /<([A-Za-z_][\w.:-]*)((?:[ \t\r\n]+xmlns(?::[\w.-]+)?[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*)[ \t\r\n]*(\/?)>/y;

class Scanner {
  private i = 0;
  /** Set by openTag: whether the tag just read was `<name/>`. */
  private selfClosing = false;

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
      if (c === 10 || c === 13) lineBreak = true;
    }
    if (!lineBreak) giveUp();
  }

  /** At `<`: reads the element's name and the end of its start tag; sets selfClosing. */
  private openTag(): string {
    const x = this.x;
    const start = this.i + 1;
    let j = start;
    if (!isNameStart(x.charCodeAt(j))) giveUp(); // also `<!…`, `<?…`
    j++;
    while (j < x.length && isNameChar(x.charCodeAt(j))) j++;
    const name = x.slice(start, j);
    while (j < x.length && isWhitespace(x.charCodeAt(j))) j++;
    const c = x.charCodeAt(j);
    if (c === GT) {
      this.selfClosing = false;
      this.i = j + 1;
    } else if (c === SLASH && x.charCodeAt(j + 1) === GT) {
      this.selfClosing = true;
      this.i = j + 2;
    } else {
      giveUp(); // an attribute, or a character no tag name has
    }
    return name;
  }

  /** At `</`: the end tag of `name` (whitespace before `>` allowed, as the SDK allows it). */
  private closeTag(name: string): void {
    const x = this.x;
    const at = this.i + 2;
    if (x.startsWith(name, at) && x.charCodeAt(at + name.length) === GT) {
      this.i = at + name.length + 1;
      return;
    }
    const end = x.indexOf('>', at);
    if (end < 0 || x.slice(at, end).trim() !== name) giveUp();
    this.i = end + 1;
  }

  /** The position of the next `<` after container text (checked); at a child or the end tag. */
  private nextTag(): number {
    const lt = this.x.indexOf('<', this.i);
    if (lt < 0) giveUp();
    if (lt > this.i) this.containerText(this.i, lt);
    this.i = lt;
    return this.x.charCodeAt(lt + 1);
  }

  private struct(shape: Compiled, tag: string): ReadOutput {
    const out: ReadOutput = {};
    for (;;) {
      const c = this.nextTag();
      if (c === SLASH) {
        this.closeTag(tag);
        return out;
      }
      const name = this.openTag();
      const member = shape.byXml.get(name);
      if (member === undefined) {
        if (!this.selfClosing) this.skip(name);
        continue;
      }
      if (out[member.name] !== undefined) giveUp(); // the SDK would read a repeated element as a list
      out[member.name] = this.selfClosing ? emptyValue(member.field) : this.value(member, name);
    }
  }

  private list(item: Compiled, tag: string): ReadOutput[] {
    const out: ReadOutput[] = [];
    for (;;) {
      const c = this.nextTag();
      if (c === SLASH) {
        this.closeTag(tag);
        return out;
      }
      if (this.openTag() !== 'item') giveUp();
      out.push(this.selfClosing ? {} : this.struct(item, 'item'));
    }
  }

  private value(member: Member, tag: string): unknown {
    const { field } = member;
    if (field.kind === 'struct') return this.struct(member.shape!, tag);
    if (field.kind === 'list') return this.list(member.shape!, tag);
    const text = this.text(tag);
    switch (field.kind) {
      case 'string':
        return text;
      case 'number':
        return Number(text);
      case 'boolean':
        return text.toLowerCase() === 'true';
      case 'timestamp':
        return timestamp(text);
    }
  }

  /** The text of a leaf element up to its end tag, as the SDK's parser reads it. */
  private text(tag: string): string {
    const x = this.x;
    const lt = x.indexOf('<', this.i);
    if (lt < 0 || x.charCodeAt(lt + 1) !== SLASH) giveUp(); // a child, comment or CDATA
    let text = x.slice(this.i, lt);
    this.i = lt;
    this.closeTag(tag);
    if (text.length === 0) return text;
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    if (text.includes('&')) text = decodeEntities(text);
    // The SDK's parser reads whitespace with a line break as empty.
    if (isWhitespace(text.charCodeAt(0)) && text.trim() === '' && text.includes('\n')) return '';
    return text;
  }

  /** An element the projection does not read: skipped, but its tags must still nest correctly. */
  private skip(tag: string): void {
    const x = this.x;
    const open = [tag];
    while (open.length > 0) {
      const lt = x.indexOf('<', this.i);
      if (lt < 0) giveUp();
      this.i = lt;
      const c = x.charCodeAt(lt + 1);
      if (c === SLASH) this.closeTag(open.pop()!);
      else if (c === BANG || c === QUESTION) giveUp();
      else {
        const name = this.openTag();
        if (!this.selfClosing) open.push(name);
      }
    }
  }
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

const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** An RFC 3339 UTC timestamp as the SDK builds it; giveUp for offsets, leap seconds, impossible dates. */
function timestamp(text: string): Date {
  const m = TIMESTAMP.exec(text);
  if (!m) giveUp();
  const [year, month, day, hours, minutes, seconds] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > maxDay || hours > 23 || minutes > 59 || seconds > 59)
    giveUp();
  const fraction = m[7];
  const ms = fraction !== undefined && Number(fraction) ? Math.round(parseFloat(`0.${fraction}`) * 1000) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, ms));
  date.setUTCFullYear(year);
  return date;
}
