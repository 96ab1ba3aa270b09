/**
 * Walking AWS's service models (botocore's service-2.json, read at test time from the installed
 * botocore) for the model conformance test: the constraints of every input shape as cases to try
 * once valid and once invalid, requests built from them, and checks of responses against output
 * shapes. Independent of the sandbox's own generated copy (sandbox/models/aws-models.json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';

export interface Ref {
  shape: string;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
}
export interface Shape {
  type: string;
  required?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  flattened?: boolean;
  members?: Record<string, Ref>;
  member?: Ref;
  key?: Ref;
  value?: Ref;
}
export interface Model {
  metadata: { protocol: string; targetPrefix?: string };
  operations: Record<
    string,
    { input?: { shape: string }; output?: { shape: string; resultWrapper?: string } }
  >;
  shapes: Record<string, Shape>;
}

/** The installed botocore's directory, or undefined (with a warning) when there is none. */
export function botocoreDir(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    console.warn('conformance: python3 with botocore is not available here; skipping the model walk');
    return undefined;
  }
}

/** botocore's newest model of `service` (e.g. `cloudhsmv2`). */
export function loadModel(dir: string, service: string): Model {
  const base = join(dir, 'data', service);
  const version = readdirSync(base).sort().at(-1)!;
  const file = join(base, version, 'service-2.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  return JSON.parse(gunzipSync(readFileSync(`${file}.gz`)).toString('utf8'));
}

/** A model pattern applied to a whole value, as AWS does. */
export function wholeMatch(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return new RegExp(`^(?:${pattern})$`);
  }
}

/** A path into a request: member names, `0` for a list's first item, `{key}` for a map value. */
export type Path = Array<string | number>;

/** One thing to try: the request with `value` at `path` (or the member left out), and whether AWS accepts it. */
export interface Case {
  label: string;
  path: Path;
  /** `undefined` with `omit` removes the member. */
  value?: unknown;
  omit?: boolean;
  valid: boolean;
}

/** Builds valid values: `examples` (by shape name) for patterned strings, the bounds otherwise. */
export class ValueMaker {
  constructor(
    readonly model: Model,
    readonly examples: Record<string, unknown>,
  ) {}

  valid(shapeName: string): unknown {
    const shape = this.model.shapes[shapeName]!;
    if (shapeName in this.examples) return this.examples[shapeName];
    switch (shape.type) {
      case 'string':
        if (shape.enum) return shape.enum[0];
        if (shape.pattern && !wholeMatch(shape.pattern).test('a'.repeat(Math.max(shape.min ?? 1, 1)))) {
          throw new Error(`no example value for the patterned shape ${shapeName} (${shape.pattern})`);
        }
        return 'a'.repeat(Math.max(shape.min ?? 1, 1));
      case 'integer':
      case 'long':
        return shape.min ?? 1;
      case 'boolean':
        return false;
      case 'timestamp':
        return 1_795_000_000;
      case 'list':
        return Array.from({ length: Math.max(shape.min ?? 0, 1) }, () => this.valid(shape.member!.shape));
      case 'map':
        return { [String(this.valid(shape.key!.shape))]: this.valid(shape.value!.shape) };
      case 'structure':
        return this.required(shapeName);
      default:
        return 'a';
    }
  }

  /** A structure with only its required members, each valid. */
  required(shapeName: string): Record<string, unknown> {
    const shape = this.model.shapes[shapeName]!;
    const out: Record<string, unknown> = {};
    for (const name of shape.required ?? []) out[name] = this.valid(shape.members![name]!.shape);
    return out;
  }
}

const NOT_IN_ANY_ENUM = 'NOT_A_VALID_VALUE';
const PATTERN_BREAKERS = ['!!', ' ', 'a b!', '#invalid#', ''];

/** A JSON value of the wrong type for a shape type. */
function wrongType(type: string): unknown {
  switch (type) {
    case 'string':
      return 12345;
    case 'list':
    case 'map':
    case 'structure':
      return 'not-a-collection';
    default:
      return 'not-a-number-or-boolean';
  }
}

/**
 * Every constraint reachable from the operation's input, as cases (each once valid, once invalid):
 * required members, types, patterns, lengths, ranges, enums. `query` leaves out the type cases a
 * query string cannot express (a string is always a string there).
 */
export function constraintCases(model: Model, inputShape: string, maker: ValueMaker, query: boolean): Case[] {
  const cases: Case[] = [];
  const walk = (shapeName: string, path: Path, depth: number, seen: string[]) => {
    const shape = model.shapes[shapeName]!;
    if (seen.includes(shapeName) || depth > 6) return;
    const next = [...seen, shapeName];
    const label = path.join('.') || '(input)';
    const valid = maker.valid(shapeName);
    if (path.length > 0 && (!query || !['string', 'list', 'structure', 'map'].includes(shape.type))) {
      cases.push({ label: `${label}: type ${shape.type}`, path, value: valid, valid: true });
      cases.push({
        label: `${label}: not a ${shape.type}`,
        path,
        value: wrongType(shape.type),
        valid: false,
      });
    }
    if (shape.type === 'string') {
      if (shape.enum) {
        cases.push({ label: `${label}: enum`, path, value: shape.enum.at(-1), valid: true });
        cases.push({ label: `${label}: not in enum`, path, value: NOT_IN_ANY_ENUM, valid: false });
      }
      if (shape.pattern) {
        const regex = wholeMatch(shape.pattern);
        const breaker = PATTERN_BREAKERS.find(
          (b) => !regex.test(b) && b.length >= (shape.min ?? 0) && b.length <= (shape.max ?? Infinity),
        );
        cases.push({ label: `${label}: pattern`, path, value: valid, valid: true });
        if (breaker !== undefined)
          cases.push({ label: `${label}: breaks pattern`, path, value: breaker, valid: false });
      }
      if (shape.max !== undefined) {
        cases.push({ label: `${label}: max length`, path, value: valid, valid: true });
        cases.push({ label: `${label}: too long`, path, value: 'a'.repeat(shape.max + 1), valid: false });
      }
      if (shape.min !== undefined && shape.min > 0) {
        cases.push({ label: `${label}: min length`, path, value: valid, valid: true });
        cases.push({
          label: `${label}: too short`,
          path,
          value: ''.padEnd(shape.min - 1, 'a'),
          valid: false,
        });
      }
    }
    if (
      (shape.type === 'integer' || shape.type === 'long') &&
      (shape.min !== undefined || shape.max !== undefined)
    ) {
      if (shape.min !== undefined) {
        cases.push({ label: `${label}: minimum`, path, value: shape.min, valid: true });
        cases.push({ label: `${label}: below minimum`, path, value: shape.min - 1, valid: false });
      }
      if (shape.max !== undefined) {
        cases.push({ label: `${label}: maximum`, path, value: shape.max, valid: true });
        cases.push({ label: `${label}: above maximum`, path, value: shape.max + 1, valid: false });
      }
    }
    if (shape.type === 'list') {
      const item = maker.valid(shape.member!.shape);
      if (shape.min !== undefined && shape.min > 0) {
        cases.push({ label: `${label}: min items`, path, value: Array(shape.min).fill(item), valid: true });
        cases.push({
          label: `${label}: too few items`,
          path,
          value: Array(shape.min - 1).fill(item),
          valid: false,
        });
      }
      if (shape.max !== undefined) {
        cases.push({
          label: `${label}: too many items`,
          path,
          value: Array(shape.max + 1).fill(item),
          valid: false,
        });
      }
      walk(shape.member!.shape, [...path, 0], depth + 1, next);
    }
    if (shape.type === 'map') {
      if (shape.max !== undefined) {
        const entries = Object.fromEntries(
          Array.from({ length: shape.max + 1 }, (_, i) => [`k${i}`, maker.valid(shape.value!.shape)]),
        );
        cases.push({ label: `${label}: too many entries`, path, value: entries, valid: false });
      }
      walk(shape.value!.shape, [...path, `{${String(maker.valid(shape.key!.shape))}}`], depth + 1, next);
    }
    if (shape.type === 'structure') {
      for (const name of shape.required ?? []) {
        cases.push({
          label: `${[...path, name].join('.')}: required`,
          path: [...path, name],
          omit: true,
          valid: false,
        });
      }
      for (const [name, ref] of Object.entries(shape.members ?? {}))
        walk(ref.shape, [...path, name], depth + 1, next);
    }
  };
  walk(inputShape, [], 0, []);
  return cases;
}

/** The base request with the case applied (containers on the path are created as needed). */
export function applyCase(
  base: Record<string, unknown>,
  maker: ValueMaker,
  inputShape: string,
  c: Case,
): Record<string, unknown> {
  const request = structuredClone(base);
  let node: Record<string, unknown> | unknown[] = request;
  let shapeName = inputShape;
  for (let i = 0; i < c.path.length; i++) {
    const step = c.path[i]!;
    const shape = maker.model.shapes[shapeName]!;
    const key = typeof step === 'string' && step.startsWith('{') ? step.slice(1, -1) : step;
    const childShape =
      shape.type === 'list'
        ? shape.member!.shape
        : shape.type === 'map'
          ? shape.value!.shape
          : shape.members![step as string]!.shape;
    const last = i === c.path.length - 1;
    const holder = node as Record<string | number, unknown>;
    if (last) {
      if (c.omit) delete holder[key];
      else holder[key] = c.value;
    } else {
      if (holder[key] === undefined || holder[key] === null || typeof holder[key] !== 'object') {
        holder[key] = structuredClone(maker.valid(childShape));
      }
      node = holder[key] as Record<string, unknown>;
    }
    shapeName = childShape;
  }
  return request;
}

/** Flattens a structured request into query parameters as botocore serializes it (EC2 or awsQuery). */
export function toQuery(
  model: Model,
  shapeName: string,
  value: unknown,
  prefix: string,
  ec2: boolean,
  out: Record<string, string>,
): Record<string, string> {
  const shape = model.shapes[shapeName]!;
  if (shape.type === 'structure') {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const member = (value as Record<string, unknown>)[name];
      if (member === undefined) continue;
      const key = ec2
        ? (ref.queryName ??
          (ref.locationName ? ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1) : name))
        : (ref.locationName ?? name);
      toQuery(model, ref.shape, member, prefix ? `${prefix}.${key}` : key, ec2, out);
    }
  } else if (shape.type === 'list' && Array.isArray(value)) {
    const base = ec2 || shape.flattened ? prefix : `${prefix}.member`;
    // botocore's awsQuery serializer sends an empty list as the bare key (`Name=`); EC2's sends nothing.
    if (value.length === 0 && !ec2) out[prefix] = '';
    value.forEach((item, i) => {
      toQuery(model, shape.member!.shape, item, `${base}.${i + 1}`, ec2, out);
    });
  } else {
    out[prefix] = String(value);
  }
  return out;
}

/** What the model says is wrong with a JSON response (an empty list when nothing is). */
export function checkJsonOutput(model: Model, shapeName: string, value: unknown, path = ''): string[] {
  const shape = model.shapes[shapeName]!;
  const at = path || '(response)';
  switch (shape.type) {
    case 'structure': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: not a structure`];
      const record = value as Record<string, unknown>;
      const problems: string[] = [];
      for (const key of Object.keys(record)) {
        if (!shape.members?.[key]) problems.push(`${at}: member ${key} is not in the model (${shapeName})`);
        else if (record[key] === null) problems.push(`${at}.${key}: null`);
        else
          problems.push(...checkJsonOutput(model, shape.members[key]!.shape, record[key], `${path}.${key}`));
      }
      for (const name of shape.required ?? []) {
        if (record[name] === undefined) problems.push(`${at}: required member ${name} is missing`);
      }
      return problems;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${at}: not a list`];
      return value.flatMap((item, i) => checkJsonOutput(model, shape.member!.shape, item, `${path}[${i}]`));
    case 'map':
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: not a map`];
      return Object.entries(value).flatMap(([k, v]) =>
        checkJsonOutput(model, shape.value!.shape, v, `${path}{${k}}`),
      );
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      return shape.enum && !shape.enum.includes(value)
        ? [`${at}: ${value} is not one of ${shape.enum.join(', ')}`]
        : [];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'timestamp':
      // JSON 1.1 sends timestamps as epoch seconds (a number), never as a string.
      return typeof value === 'number'
        ? []
        : [`${at}: timestamp ${JSON.stringify(value)} is not epoch seconds`];
    default:
      return [];
  }
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: () => true,
  trimValues: true,
});

/** Parses an XML response into `{ element: [occurrences] }` objects (text nodes are strings). */
export function parseXml(text: string): Record<string, unknown[]> {
  return xml.parse(text) as Record<string, unknown[]>;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** What the model says is wrong with an XML (EC2 or awsQuery) structure node. */
export function checkXmlOutput(
  model: Model,
  shapeName: string,
  node: unknown,
  path: string,
  ec2: boolean,
): string[] {
  const shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case 'structure': {
      if (node === '') return requiredMissing(shape, {}, path);
      if (!node || typeof node !== 'object') return [`${path}: not a structure`];
      const children = node as Record<string, unknown[]>;
      const byWireName = new Map(
        Object.entries(shape.members ?? {}).map(([name, ref]) => [
          ref.locationName ?? name,
          [name, ref] as const,
        ]),
      );
      const problems: string[] = [];
      for (const [element, occurrences] of Object.entries(children)) {
        const found = byWireName.get(element);
        if (!found) {
          problems.push(`${path}: element <${element}> is not in the model (${shapeName})`);
          continue;
        }
        const [, ref] = found;
        const memberShape = model.shapes[ref.shape]!;
        const flat = memberShape.type === 'list' && (ec2 ? false : (memberShape.flattened ?? false));
        if (flat) problems.push(...checkXmlList(model, memberShape, occurrences, `${path}.${element}`, ec2));
        else {
          if (occurrences.length > 1)
            problems.push(`${path}: <${element}> appears ${occurrences.length} times`);
          problems.push(...checkXmlOutput(model, ref.shape, occurrences[0], `${path}.${element}`, ec2));
        }
      }
      const present = Object.fromEntries(
        [...byWireName].filter(([wire]) => wire in children).map(([, [name]]) => [name, true]),
      );
      return [...problems, ...requiredMissing(shape, present, path)];
    }
    case 'list': {
      if (node === '') return [];
      const item = shape.member!.locationName ?? 'member';
      const children = node as Record<string, unknown[]>;
      const extra = Object.keys(children).filter((k) => k !== item);
      return [
        ...extra.map((k) => `${path}: list element <${k}> is not <${item}>`),
        ...checkXmlList(model, shape, children[item] ?? [], path, ec2),
      ];
    }
    case 'string':
      if (typeof node !== 'string') return [`${path}: not text`];
      return shape.enum && !shape.enum.includes(node)
        ? [`${path}: ${node} is not one of ${shape.enum.join(', ')}`]
        : [];
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(String(node)) ? [] : [`${path}: ${String(node)} is not an integer`];
    case 'boolean':
      return node === 'true' || node === 'false' ? [] : [`${path}: ${String(node)} is not a boolean`];
    case 'timestamp':
      // The query protocols send timestamps as ISO 8601 (UTC).
      return ISO_8601.test(String(node)) ? [] : [`${path}: timestamp ${String(node)} is not ISO 8601`];
    default:
      return [];
  }
}

function checkXmlList(model: Model, shape: Shape, items: unknown[], path: string, ec2: boolean): string[] {
  return items.flatMap((item, i) => checkXmlOutput(model, shape.member!.shape, item, `${path}[${i}]`, ec2));
}

function requiredMissing(shape: Shape, present: Record<string, unknown>, path: string): string[] {
  return (shape.required ?? [])
    .filter((name) => !(name in present))
    .map((name) => `${path}: required member ${name} is missing`);
}
