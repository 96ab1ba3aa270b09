/**
 * Request validation from AWS's own service models. `models/aws-models.json` is generated from
 * botocore by scripts/sandbox-models.mjs (never edited by hand; test/conformance/models.test.ts
 * regenerates it and compares), so the sandbox holds requests to the same required members,
 * types, patterns, lengths, ranges and enum values as AWS without needing Python at run time.
 */
import { ApiError } from './errors.js';
import data from './models/aws-models.json';

/** A member reference inside a shape: the shape it points to and its wire names. */
export interface MemberRef {
  shape: string;
  locationName?: string;
  queryName?: string;
  location?: string;
  flattened?: boolean;
  timestampFormat?: string;
}

/** One shape with the constraints AWS validates. */
export interface Shape {
  type: string;
  required?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  timestampFormat?: string;
  flattened?: boolean;
  locationName?: string;
  members?: Record<string, MemberRef>;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
}

/** One service's operations (input and output shape names) and shapes. */
export interface ServiceModel {
  protocol: string;
  apiVersion: string;
  targetPrefix?: string;
  operations: Record<string, { input?: string; output?: string; resultWrapper?: string }>;
  shapes: Record<string, Shape>;
}

/** The services the sandbox validates, by the sandbox's service name. */
export type ModelledService = 'cloudhsm' | 'events' | 'ec2' | 'sts' | 'kms' | 'securityhub' | 'organizations';

/** The generated models, by the sandbox's service name. */
export const MODELS = data.services as unknown as Record<ModelledService, ServiceModel>;

/** The botocore version the models were generated from. */
export const MODELS_BOTOCORE_VERSION: string = data.botocore;

/** What one service answers for a request that breaks its model. */
const CODES: Record<ModelledService, { invalid: string; missing: string }> = {
  cloudhsm: { invalid: 'CloudHsmInvalidRequestException', missing: 'CloudHsmInvalidRequestException' },
  events: { invalid: 'ValidationException', missing: 'ValidationException' },
  ec2: { invalid: 'InvalidParameterValue', missing: 'MissingParameter' },
  sts: { invalid: 'ValidationError', missing: 'ValidationError' },
  kms: { invalid: 'ValidationException', missing: 'ValidationException' },
  securityhub: { invalid: 'InvalidInputException', missing: 'InvalidInputException' },
  // Organizations reports a broken constraint as InvalidInputException (its Reason enum has
  // INVALID_PATTERN, MAX_VALUE_EXCEEDED, INPUT_REQUIRED, ...), not ValidationException.
  organizations: { invalid: 'InvalidInputException', missing: 'InvalidInputException' },
};

const patterns = new Map<string, RegExp>();

/**
 * A model pattern as AWS applies it: to the whole value (Java's `matches`), not to a part of it.
 * The models are written for Java regular expressions; `\p{L}` and friends need the `u` flag.
 */
export function modelPattern(source: string): RegExp {
  let regex = patterns.get(source);
  if (!regex) {
    try {
      regex = new RegExp(`^(?:${source})$`, 'u');
    } catch {
      regex = new RegExp(`^(?:${source})$`);
    }
    patterns.set(source, regex);
  }
  return regex;
}

/** The first constraint a value breaks: `[missing?, message]`, or undefined when it is valid. */
type Problem = { missing: boolean; message: string };

/**
 * How a check walks a value. AWS's front ends name a member by its request path
 * (`findings.1.member.title`) in Coral's words. Security Hub judges each imported finding on its
 * own against ASFF (a JSON Schema): the request check looks only at types below such an item
 * (`perItem`; a wrong type is JSON the request cannot be read into), and the handler judges the rest
 * per item in `asff` words: the path inside the item (`data.Resources[0].Type`), JSON Schema's
 * phrases, and patterns applied as JSON Schema applies them (unanchored).
 */
interface Walk {
  typesOnly: boolean;
  asff: boolean;
  perItem?: string;
}

const REQUEST: Walk = { typesOnly: false, asff: false };

/** The operations whose items are judged one by one (the failed ones listed in the response), by item shape. */
const PER_ITEM: Partial<Record<ModelledService, Record<string, string>>> = {
  securityhub: { BatchImportFindings: 'AwsSecurityFinding' },
};

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** A broken constraint, in AWS's request words (`constraint`) or ASFF's JSON Schema words (`schema`). */
function problem(walk: Walk, path: string, value: unknown, constraint: string, schema: string): Problem {
  return {
    missing: false,
    message: walk.asff
      ? `${path} ${schema}`
      : `1 validation error detected: Value '${describe(value)}' at '${path}' failed to satisfy constraint: ${constraint}`,
  };
}

const memberPath = (walk: Walk, path: string, name: string) =>
  walk.asff ? `${path}.${name}` : `${path ? `${path}.` : ''}${lowerFirst(name)}`;
const itemPath = (walk: Walk, path: string, index: number) =>
  walk.asff ? `${path}[${index}]` : `${path}.${index + 1}.member`;
const keyPath = (walk: Walk, path: string, key: string) =>
  walk.asff && !/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}['${key}']` : `${path}.${key}`;

/** A JSON Schema pattern: unanchored (`test`), unlike a model pattern as AWS's front ends apply it. */
function schemaPattern(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch {
    return new RegExp(source);
  }
}

function checkLength(
  walk: Walk,
  path: string,
  value: unknown,
  length: number,
  shape: Shape,
  unit: 'characters' | 'items' | 'properties',
): Problem | undefined {
  if ((shape.min !== undefined && length < shape.min) || (shape.max !== undefined && length > shape.max)) {
    const max = shape.max === undefined ? 'infinity' : shape.max;
    const short = shape.min !== undefined && length < shape.min;
    const schema =
      unit === 'characters'
        ? `should NOT be ${short ? 'shorter' : 'longer'} than ${short ? shape.min : max} characters`
        : `should NOT have ${short ? 'fewer' : 'more'} than ${short ? shape.min : max} ${unit}`;
    return problem(walk, path, value, `Member must have length between ${shape.min ?? 0} and ${max}`, schema);
  }
  return undefined;
}

function checkString(walk: Walk, path: string, value: unknown, shape: Shape): Problem | undefined {
  if (typeof value !== 'string')
    return problem(walk, path, value, 'Member must be a string', 'should be string');
  if (walk.typesOnly) return undefined;
  if (shape.enum && !shape.enum.includes(value)) {
    return problem(
      walk,
      path,
      value,
      `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
      'should be equal to one of the allowed values',
    );
  }
  const length = checkLength(walk, path, value, [...value].length, shape, 'characters');
  if (length) return length;
  if (shape.pattern) {
    const matches = walk.asff ? schemaPattern(shape.pattern) : modelPattern(shape.pattern);
    if (!matches.test(value))
      return problem(
        walk,
        path,
        value,
        `Member must satisfy regular expression pattern: ${shape.pattern}`,
        `should match pattern "${shape.pattern}"`,
      );
  }
  return undefined;
}

function checkNumber(walk: Walk, path: string, value: unknown, shape: Shape): Problem | undefined {
  const integral = shape.type === 'integer' || shape.type === 'long';
  if (typeof value !== 'number' || !Number.isFinite(value) || (integral && !Number.isInteger(value))) {
    return problem(
      walk,
      path,
      value,
      `Member must be ${integral ? 'an integer' : 'a number'}`,
      `should be ${integral ? 'integer' : 'number'}`,
    );
  }
  if (walk.typesOnly) return undefined;
  if (shape.min !== undefined && value < shape.min) {
    return problem(
      walk,
      path,
      value,
      `Member must have value greater than or equal to ${shape.min}`,
      `should be >= ${shape.min}`,
    );
  }
  if (shape.max !== undefined && value > shape.max) {
    return problem(
      walk,
      path,
      value,
      `Member must have value less than or equal to ${shape.max}`,
      `should be <= ${shape.max}`,
    );
  }
  return undefined;
}

function checkValue(
  model: ServiceModel,
  walk: Walk,
  path: string,
  value: unknown,
  shapeName: string,
): Problem | undefined {
  const shape = model.shapes[shapeName]!;
  // Below an item judged on its own, the request is held to types only.
  const here = shapeName === walk.perItem ? { ...walk, typesOnly: true } : walk;
  const isMap = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  switch (shape.type) {
    case 'string':
      return checkString(here, path, value, shape);
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return checkNumber(here, path, value, shape);
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : problem(here, path, value, 'Member must be a boolean', 'should be boolean');
    case 'timestamp':
      return typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
        ? undefined
        : problem(here, path, value, 'Member must be a timestamp', 'should be a timestamp');
    case 'blob':
      return typeof value === 'string'
        ? undefined
        : problem(here, path, value, 'Member must be a blob', 'should be string');
    case 'list':
      if (!Array.isArray(value))
        return problem(here, path, value, 'Member must be a list', 'should be array');
      return (
        (here.typesOnly ? undefined : checkLength(here, path, value, value.length, shape, 'items')) ??
        firstOf(value, (item, i) =>
          checkValue(model, here, itemPath(here, path, i), item, shape.member!.shape),
        )
      );
    case 'map': {
      if (!isMap(value)) return problem(here, path, value, 'Member must be a map', 'should be object');
      const entries = Object.entries(value as object);
      return (
        (here.typesOnly ? undefined : checkLength(here, path, value, entries.length, shape, 'properties')) ??
        firstOf(
          entries,
          ([k, v]) =>
            checkValue(model, here, here.asff ? path : `${path}.key`, k, shape.key!.shape) ??
            checkValue(model, here, keyPath(here, path, k), v, shape.value!.shape),
        )
      );
    }
    case 'structure':
      if (!isMap(value)) return problem(here, path, value, 'Member must be a structure', 'should be object');
      return checkStructure(model, here, path, value as Record<string, unknown>, shape);
    default:
      return undefined;
  }
}

function firstOf<T>(items: T[], check: (item: T, index: number) => Problem | undefined): Problem | undefined {
  for (let i = 0; i < items.length; i++) {
    const found = check(items[i]!, i);
    if (found) return found;
  }
  return undefined;
}

function checkStructure(
  model: ServiceModel,
  walk: Walk,
  path: string,
  value: Record<string, unknown>,
  shape: Shape,
): Problem | undefined {
  for (const name of walk.typesOnly ? [] : (shape.required ?? [])) {
    if (value[name] === undefined || value[name] === null) {
      return {
        missing: true,
        message: walk.asff
          ? `${path} should have required property '${name}'`
          : `1 validation error detected: Value null at '${memberPath(walk, path, name)}' failed to satisfy constraint: Member must not be null`,
      };
    }
  }
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const member = value[name];
    if (member === undefined || member === null) continue;
    const found = checkValue(model, walk, memberPath(walk, path, name), member, ref.shape);
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks decoded request parameters against the operation's input shape and throws the service's
 * validation error (naming the member, in AWS's words) for the first constraint broken. Members the
 * model does not have are ignored, as AWS ignores them. Operations without a model pass. In an
 * operation whose items are judged one by one (Security Hub's BatchImportFindings), the items are
 * held to types only here; the handler judges each with {@link itemProblem}.
 */
export function validateRequest(
  service: ModelledService,
  operation: string,
  params: Record<string, unknown>,
): void {
  // A service the generator does not list yet (one added in another file) is not validated.
  const model = MODELS[service] as ServiceModel | undefined;
  const input = model?.operations[operation]?.input;
  if (!model || !input) return;
  const walk = { ...REQUEST, perItem: PER_ITEM[service]?.[operation] };
  const found = checkStructure(model, walk, '', params, model.shapes[input]!);
  if (!found) return;
  const codes = CODES[service];
  throw new ApiError(found.missing ? codes.missing : codes.invalid, found.message);
}

/**
 * The first constraint of its model shape that one item of a batch breaks (required members,
 * lengths, ranges, patterns, enums), named by its path in the item as ASFF's JSON Schema words it
 * (`data.Resources[0] should have required property 'Type'`), or undefined when it has none.
 */
export function itemProblem(service: ModelledService, shapeName: string, item: unknown): string | undefined {
  const model = MODELS[service] as ServiceModel | undefined;
  if (!model?.shapes[shapeName]) return undefined;
  return checkValue(model, { typesOnly: false, asff: true }, 'data', item, shapeName)?.message;
}

/**
 * The query-protocol parameters (EC2 and STS: `GroupId.1`, `Filter.1.Name`, `Filter.1.Value.1`)
 * decoded into the input shape's structure, with numbers and booleans typed. A value that is not
 * a number or boolean where one is expected is left as a string, so validation names it.
 */
export function decodeQuery(
  service: ModelledService,
  operation: string,
  params: Map<string, string>,
): Record<string, unknown> {
  const model = MODELS[service] as ServiceModel | undefined;
  const input = model?.operations[operation]?.input;
  if (!model || !input) return {};
  const ec2 = service === 'ec2';
  return decodeStructure(model, model.shapes[input]!, params, '', ec2);
}

function queryKey(name: string, ref: MemberRef, ec2: boolean): string {
  if (ec2)
    return (
      ref.queryName ??
      (ref.locationName ? ref.locationName.charAt(0).toUpperCase() + ref.locationName.slice(1) : name)
    );
  return ref.locationName ?? name;
}

function decodeStructure(
  model: ServiceModel,
  shape: Shape,
  params: Map<string, string>,
  prefix: string,
  ec2: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const value = decodeValue(model, ref, params, `${prefix}${queryKey(name, ref, ec2)}`, ec2);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function decodeValue(
  model: ServiceModel,
  ref: MemberRef,
  params: Map<string, string>,
  key: string,
  ec2: boolean,
): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const has = [...params.keys()].some((k) => k.startsWith(`${key}.`));
      return has ? decodeStructure(model, shape, params, `${key}.`, ec2) : undefined;
    }
    case 'list': {
      const flat = ec2 || shape.flattened || ref.flattened;
      const base = flat ? key : `${key}.${shape.member?.locationName ?? 'member'}`;
      if (!flat && params.get(key) === '') return [];
      const items: unknown[] = [];
      for (let i = 1; ; i++) {
        const item = decodeValue(model, shape.member!, params, `${base}.${i}`, ec2);
        if (item === undefined) break;
        items.push(item);
      }
      return items.length > 0 ? items : undefined;
    }
    default: {
      const raw = params.get(key);
      if (raw === undefined) return undefined;
      if (['integer', 'long', 'double', 'float'].includes(shape.type)) {
        const number = Number(raw);
        return raw.trim() === '' || Number.isNaN(number) ? raw : number;
      }
      if (shape.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
      return raw;
    }
  }
}
