// The AWS Query and EC2 Query protocols: form-encoded POST bodies (Action=...&Version=...), XML
// answers. Shared by STS and EC2; each service serializes its own result shapes with `xml`.
import type { RawRequest } from '../types.js';
import { SimError } from '../types.js';

/** Form parameters of a Query request (body for POST, query string for GET), as a flat map. */
export function parseQueryParams(raw: RawRequest): Record<string, string> {
  const contentType = String(raw.headers['content-type'] ?? '');
  const source =
    raw.method === 'POST' &&
    (contentType.startsWith('application/x-www-form-urlencoded') || contentType === '')
      ? raw.body.toString('utf8')
      : raw.rawQuery;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(source)) out[k] = v;
  return out;
}

/** The operation of a Query request; a missing Action is the service's MissingAction error. */
export function queryAction(params: Record<string, string>): string {
  const action = params['Action'];
  if (!action) throw new SimError('MissingAction', 'Missing Action', 400);
  return action;
}

/** Collects `Prefix.1`, `Prefix.2`, ... (EC2 lists, e.g. InstanceId.N) in index order. */
export function listParam(params: Record<string, string>, prefix: string): string[] {
  const items: [number, string][] = [];
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  for (const [k, v] of Object.entries(params)) {
    const m = re.exec(k);
    if (m) items.push([Number(m[1]), v]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

export interface QueryFilter {
  name: string;
  values: string[];
}

/** EC2 filters: Filter.N.Name and Filter.N.Value.M. */
export function filterParams(params: Record<string, string>): QueryFilter[] {
  const byIndex = new Map<number, QueryFilter>();
  for (const [k, v] of Object.entries(params)) {
    const m = /^Filter\.(\d+)\.(Name|Value\.(\d+))$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const f = byIndex.get(i) ?? { name: '', values: [] };
    if (m[2] === 'Name') f.name = v;
    else f.values[Number(m[3]) - 1] = v;
    byIndex.set(i, f);
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, f]) => ({ name: f.name, values: f.values.filter((x) => x !== undefined) }));
}

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>escaped value</name>`, or '' when the value is undefined. */
export function xmlElement(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

export function xmlResponse(
  status: number,
  body: string,
  requestId: string,
): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body: '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
  };
}
