/**
 * Validation of decoded request parameters. Every failure is an {@link ApiError} with the
 * calling service's "invalid request" code, naming the parameter, as AWS services do.
 */
import { ApiError } from '../errors.js';

/** A request's decoded parameters. */
export type Input = Record<string, unknown>;

/** Reads and checks parameters for one service (`code` is its invalid-request error). */
export class InputReader {
  constructor(
    readonly input: Input,
    readonly code: string,
  ) {}

  fail(message: string): ApiError {
    return new ApiError(this.code, message);
  }

  string(name: string, options: { pattern?: RegExp; max?: number } = {}): string | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.fail(`${name} must be a string`);
    if (options.max !== undefined && value.length > options.max) {
      throw this.fail(`${name} must be at most ${options.max} characters`);
    }
    if (options.pattern && !options.pattern.test(value)) {
      throw this.fail(
        `Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: must match pattern ${options.pattern.source}`,
      );
    }
    return value;
  }

  requiredString(name: string, options: { pattern?: RegExp; max?: number } = {}): string {
    const value = this.string(name, options);
    if (value === undefined) throw this.fail(`${name} is required`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.fail(`${name} must be a boolean`);
    return value;
  }

  requiredBoolean(name: string): boolean {
    const value = this.boolean(name);
    if (value === undefined) throw this.fail(`${name} is required`);
    return value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.fail(`${name} must be an integer`);
    if (value < min || value > max) {
      throw this.fail(
        `Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: must be between ${min} and ${max}`,
      );
    }
    return value;
  }

  stringList(name: string, options: { min?: number; max?: number } = {}): string[] | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw this.fail(`${name} must be a list of strings`);
    }
    this.checkLength(name, value.length, options);
    return value as string[];
  }

  objectList(name: string, options: { min?: number; max?: number } = {}): Input[] | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => !v || typeof v !== 'object' || Array.isArray(v))) {
      throw this.fail(`${name} must be a list of structures`);
    }
    this.checkLength(name, value.length, options);
    return value as Input[];
  }

  object(name: string): Input | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.fail(`${name} must be a structure`);
    return value as Input;
  }

  private checkLength(name: string, length: number, { min = 0, max = Number.MAX_SAFE_INTEGER }) {
    if (length < min || length > max) {
      throw this.fail(`${name} must have between ${min} and ${max} members, got ${length}`);
    }
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
