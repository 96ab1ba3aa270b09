/**
 * The AWS query protocols (EC2 and STS): form-encoded parameters in, XML out.
 * Lists are numbered (`SubnetId.1`, `Filter.1.Name`, `Filter.1.Value.2`).
 */

/** Decoded form parameters. */
export type QueryParams = Map<string, string>;

/** Parses an `application/x-www-form-urlencoded` body (plus any URL query string). */
export function parseQuery(body: string, urlQuery = ''): QueryParams {
  const params: QueryParams = new Map();
  for (const source of [urlQuery, body]) {
    for (const [key, value] of new URLSearchParams(source)) params.set(key, value);
  }
  return params;
}

/** The values of a numbered list parameter: `SubnetId.1`, `SubnetId.2`, ... in number order. */
export function numberedList(params: QueryParams, prefix: string): string[] {
  const entries: Array<[number, string]> = [];
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (match) entries.push([Number(match[1]), value]);
  }
  return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/** One `Filter.N` entry. */
export interface QueryFilter {
  name: string;
  values: string[];
}

/** The `Filter.N.Name` / `Filter.N.Value.M` filters, in number order. */
export function queryFilters(params: QueryParams): QueryFilter[] {
  const indexes = new Set<number>();
  for (const key of params.keys()) {
    const match = /^Filter\.(\d+)\./.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .map((n) => ({
      name: params.get(`Filter.${n}.Name`) ?? '',
      values: numberedList(params, `Filter.${n}.Value`),
    }));
}

/** Escapes text for an XML element. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A value that renders as XML: objects become elements, arrays become `<item>` lists. */
export type XmlValue =
  | string
  | number
  | boolean
  | undefined
  | null
  | XmlValue[]
  | { [key: string]: XmlValue };

/** Renders a value as XML element content (undefined members are left out). */
export function toXml(value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<item>${toXml(item)}</item>`).join('');
  if (typeof value === 'object') {
    let out = '';
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined || member === null) continue;
      out += `<${key}>${toXml(member)}</${key}>`;
    }
    return out;
  }
  return escapeXml(String(value));
}

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** An EC2 response: `<OpResponse xmlns=...><requestId/>...</OpResponse>`. */
export function ec2Response(operation: string, requestId: string, body: XmlValue): string {
  return (
    `${XML_HEADER}<${operation}Response xmlns="${EC2_NAMESPACE}">` +
    `<requestId>${requestId}</requestId>${toXml(body)}</${operation}Response>`
  );
}

/** An EC2 error: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`. */
export function ec2Error(code: string, message: string, requestId: string): string {
  return (
    `${XML_HEADER}<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}

/** An awsQuery (STS) response: `<OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>`. */
export function awsQueryResponse(operation: string, requestId: string, body: XmlValue): string {
  return (
    `${XML_HEADER}<${operation}Response xmlns="${STS_NAMESPACE}"><${operation}Result>${toXml(body)}` +
    `</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${operation}Response>`
  );
}

/** An awsQuery (STS) error. */
export function awsQueryError(code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `${XML_HEADER}<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
