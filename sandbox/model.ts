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
export type ModelledService = 'cloudhsm' | 'events' | 'ec2' | 'sts' | 'kms' | 'organizations';

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

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function problem(path: string, value: unknown, constraint: string): Problem {
  return {
    missing: false,
    message: `1 validation error detected: Value '${describe(value)}' at '${path}' failed to satisfy constraint: ${constraint}`,
  };
}

function checkLength(path: string, value: unknown, length: number, shape: Shape): Problem | undefined {
  if ((shape.min !== undefined && length < shape.min) || (shape.max !== undefined && length > shape.max)) {
    const max = shape.max === undefined ? 'infinity' : shape.max;
    return problem(path, value, `Member must have length between ${shape.min ?? 0} and ${max}`);
  }
  return undefined;
}

function checkString(path: string, value: unknown, shape: Shape): Problem | undefined {
  if (typeof value !== 'string') return problem(path, value, 'Member must be a string');
  if (shape.enum && !shape.enum.includes(value)) {
    return problem(path, value, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  const length = checkLength(path, value, [...value].length, shape);
  if (length) return length;
  if (shape.pattern && !modelPattern(shape.pattern).test(value)) {
    return problem(path, value, `Member must satisfy regular expression pattern: ${shape.pattern}`);
  }
  return undefined;
}

function checkNumber(path: string, value: unknown, shape: Shape): Problem | undefined {
  const integral = shape.type === 'integer' || shape.type === 'long';
  if (typeof value !== 'number' || !Number.isFinite(value) || (integral && !Number.isInteger(value))) {
    return problem(path, value, `Member must be ${integral ? 'an integer' : 'a number'}`);
  }
  if (shape.min !== undefined && value < shape.min) {
    return problem(path, value, `Member must have value greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && value > shape.max) {
    return problem(path, value, `Member must have value less than or equal to ${shape.max}`);
  }
  return undefined;
}

function checkValue(
  model: ServiceModel,
  path: string,
  value: unknown,
  shapeName: string,
): Problem | undefined {
  const shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case 'string':
      return checkString(path, value, shape);
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return checkNumber(path, value, shape);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : problem(path, value, 'Member must be a boolean');
    case 'timestamp':
      return typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
        ? undefined
        : problem(path, value, 'Member must be a timestamp');
    case 'blob':
      return typeof value === 'string' ? undefined : problem(path, value, 'Member must be a blob');
    case 'list':
      if (!Array.isArray(value)) return problem(path, value, 'Member must be a list');
      return (
        checkLength(path, value, value.length, shape) ??
        firstOf(value, (item, i) => checkValue(model, `${path}.${i + 1}.member`, item, shape.member!.shape))
      );
    case 'map': {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return problem(path, value, 'Member must be a map');
      const entries = Object.entries(value);
      return (
        checkLength(path, value, entries.length, shape) ??
        firstOf(
          entries,
          ([k, v]) =>
            checkValue(model, `${path}.key`, k, shape.key!.shape) ??
            checkValue(model, `${path}.${k}`, v, shape.value!.shape),
        )
      );
    }
    case 'structure':
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return problem(path, value, 'Member must be a structure');
      return checkStructure(model, path, value as Record<string, unknown>, shape);
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
  path: string,
  value: Record<string, unknown>,
  shape: Shape,
): Problem | undefined {
  const prefix = path ? `${path}.` : '';
  for (const name of shape.required ?? []) {
    if (value[name] === undefined || value[name] === null) {
      return {
        missing: true,
        message: `1 validation error detected: Value null at '${prefix}${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      };
    }
  }
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const member = value[name];
    if (member === undefined || member === null) continue;
    const found = checkValue(model, `${prefix}${lowerFirst(name)}`, member, ref.shape);
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks decoded request parameters against the operation's input shape and throws the service's
 * validation error (naming the member, in AWS's words) for the first constraint broken. Members the
 * model does not have are ignored, as AWS ignores them. Operations without a model pass.
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
  const found = checkStructure(model, '', params, model.shapes[input]!);
  if (!found) return;
  const codes = CODES[service];
  throw new ApiError(found.missing ? codes.missing : codes.invalid, found.message);
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
