/**
 * The HTTP front: identifies service, operation and region of each request (X-Amz-Target or
 * Action, and the SigV4 credential scope), applies faults, runs the handler, answers in the
 * protocol's own format, and records the request.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLoopbackUrl } from '../lib/config/common.js';
import { ApiError } from './errors.js';
import type { FaultInjector } from './faults.js';
import { decodeQuery, type ModelledService, validateRequest } from './model.js';
import { JSON_CONTENT_TYPE, jsonError, parseJsonBody } from './protocols/json.js';
import {
  awsQueryError,
  awsQueryResponse,
  ec2Error,
  ec2Response,
  parseQuery,
  type XmlValue,
} from './protocols/query.js';
import { CLOUDHSM_MUTATIONS, cloudHsmHandlers } from './services/cloudhsm.js';
import type { CallContext, EventSink, Handler } from './services/context.js';
import { ec2Handlers, type QueryHandler } from './services/ec2.js';
import { eventsHandlers } from './services/events.js';
import { kmsHandlers } from './services/kms.js';
import { organizationsHandlers } from './services/organizations.js';
import { handleS3, type StoredObject, s3Error, s3Operation } from './services/s3.js';
import { securityHubHandlers, securityHubOperation } from './services/securityhub.js';
import { stsHandlers } from './services/sts.js';
import type { Caller, SandboxWorld } from './world.js';

/** The services the sandbox speaks. */
export type ServiceName =
  | 'cloudhsm'
  | 'ec2'
  | 'events'
  | 'sts'
  | 's3'
  | 'kms'
  | 'securityhub'
  | 'organizations';

/** One AWS request as the sandbox saw it. */
export interface RequestLogEntry {
  /** Sandbox clock time, ISO 8601. */
  time: string;
  service: ServiceName | 'unknown';
  operation: string;
  region: string;
  /** The account the request's access key belongs to (AssumeRole's: its caller's). */
  account: string;
  status: number;
  errorCode?: string;
  /** True for operations that change state (whether or not they succeeded). */
  mutating: boolean;
  params: unknown;
}

/** The admin routes (`/_sandbox/...`) answer through this. */
export type AdminHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
  body: string,
) => { status: number; body: unknown } | undefined;

/** One AWS request as a test hook sees it (see {@link SandboxHooks}). */
export interface SandboxCall {
  service: ServiceName;
  operation: string;
  region: string;
  /** The account the request's access key belongs to. */
  account: string;
  params: unknown;
  /** The URL path the client used; tests give each client its own (`endpoint/run-a`) to tell callers apart. */
  path: string;
}

/**
 * Test hooks (the model-based soak in test/model/ uses them), both optional and absent by default.
 * `beforeRequest` is awaited once a request is identified, before faults and handling: a point at
 * which a test can hold a request back to interleave concurrent clients, or change the world.
 * `aroundHandle` wraps the handling of each request the faults let through (a lost response is
 * handled, then answered 500): it must call `handle` once and return its result, and it sees the
 * state right before and after, e.g. what each DeleteBackup deleted.
 */
export interface SandboxHooks {
  beforeRequest?(call: SandboxCall): Promise<void> | void;
  aroundHandle?(call: SandboxCall, handle: () => unknown): unknown;
}

/** What the server needs from the sandbox. */
export interface ServerCore {
  /** Every account's state, the organization, and who each access key belongs to. */
  world: SandboxWorld;
  faults: FaultInjector;
  events: EventSink;
  record(entry: RequestLogEntry): void;
  admin: AdminHandler;
  /** The test hooks in force (read per request, so a test can change them between requests). */
  hooks?(): SandboxHooks;
  /** Keeps an object S3 PutObject stored. */
  storeObject?(object: StoredObject): void;
}

const DEFAULT_REGION = 'us-east-1';
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const MUTATIONS = new Set([...CLOUDHSM_MUTATIONS, 'PutEvents', 'PutObject', 'BatchImportFindings']);

const THROTTLE: Record<ServiceName, [string, number]> = {
  cloudhsm: ['ThrottlingException', 400],
  events: ['ThrottlingException', 400],
  ec2: ['RequestLimitExceeded', 503],
  sts: ['Throttling', 400],
  s3: ['SlowDown', 503],
  kms: ['ThrottlingException', 400],
  securityhub: ['TooManyRequestsException', 429],
  organizations: ['TooManyRequestsException', 400],
};
const INTERNAL: Record<ServiceName, string> = {
  cloudhsm: 'CloudHsmInternalFailureException',
  events: 'InternalException',
  ec2: 'InternalError',
  sts: 'InternalFailure',
  s3: 'InternalError',
  kms: 'KMSInternalException',
  securityhub: 'InternalException',
  organizations: 'ServiceException',
};

interface Call {
  service: ServiceName;
  protocol: 'json' | 'ec2' | 'query';
  operation: string;
  region: string;
  params: unknown;
}

/** The access key id from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/...`. */
function accessKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

/** Region and service from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request`. */
export function credentialScope(authorization: string | undefined): { region?: string; service?: string } {
  const match = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { region: match[1], service: match[2] } : {};
}

function identify(request: IncomingMessage, url: URL, body: string): Call {
  const scope = credentialScope(request.headers.authorization);
  const region = scope.region ?? DEFAULT_REGION;
  if (scope.service === 'securityhub') {
    // REST-JSON: the operation is the method and path; errors answer like JSON 1.1 (x-amzn-errortype).
    const operation = securityHubOperation(request.method ?? 'GET', url.pathname);
    return { service: 'securityhub', protocol: 'json', operation, region, params: parseJsonBody(body) };
  }
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [prefix, operation = ''] = target.split('.', 2);
    const service =
      prefix === 'BaldrApiService'
        ? 'cloudhsm'
        : prefix === 'AWSEvents'
          ? 'events'
          : prefix === 'TrentService'
            ? 'kms'
            : prefix === 'AWSOrganizationsV20161128'
              ? 'organizations'
              : undefined;
    if (!service) throw new ApiError('UnknownOperationException', `Unknown target ${target}`);
    return { service, protocol: 'json', operation, region, params: parseJsonBody(body) };
  }
  const params = parseQuery(body, url.search);
  const operation = params.get('Action') ?? '';
  const isSts =
    scope.service === 'sts' || (scope.service === undefined && params.get('Version') === '2011-06-15');
  return {
    service: isSts ? 'sts' : 'ec2',
    protocol: isSts ? 'query' : 'ec2',
    operation,
    region,
    params,
  };
}

function run(call: Call, context: CallContext): unknown {
  if (call.service === 'ec2') {
    const handler: QueryHandler | undefined = ec2Handlers[call.operation];
    if (!handler)
      throw new ApiError('InvalidAction', `The action ${call.operation} is not valid for this web service.`);
    validateRequest(
      'ec2',
      call.operation,
      decodeQuery('ec2', call.operation, call.params as Map<string, string>),
    );
    return handler(context, call.params as Map<string, string>);
  }
  const table: Record<string, Handler> =
    call.service === 'kms'
      ? kmsHandlers
      : call.service === 'securityhub'
        ? securityHubHandlers
        : call.service === 'cloudhsm'
          ? cloudHsmHandlers
          : call.service === 'events'
            ? eventsHandlers
            : call.service === 'organizations'
              ? organizationsHandlers
              : stsHandlers;
  const handler = table[call.operation];
  if (!handler) {
    const code = call.service === 'sts' ? 'InvalidAction' : 'UnknownOperationException';
    throw new ApiError(code, `Operation ${call.operation || '(none)'} is not supported by the sandbox`);
  }
  // Every request is held to the service's own model first, as AWS's front end does.
  const params =
    call.service === 'sts'
      ? decodeQuery('sts', call.operation, call.params as Map<string, string>)
      : (call.params as Record<string, unknown>);
  validateRequest(call.service as ModelledService, call.operation, params);
  return handler(context, call.params as Record<string, unknown>);
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  requestId: string,
  errorCode?: string,
) {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  };
  if (errorCode) headers['x-amzn-errortype'] = errorCode;
  response.writeHead(status, headers);
  response.end(body);
}

function reply(response: ServerResponse, call: Call, requestId: string, result: unknown): void {
  if (call.protocol === 'json') {
    send(response, 200, JSON_CONTENT_TYPE, JSON.stringify(result ?? {}), requestId);
  } else if (call.protocol === 'ec2') {
    send(
      response,
      200,
      'text/xml;charset=UTF-8',
      ec2Response(call.operation, requestId, result as XmlValue),
      requestId,
    );
  } else {
    send(
      response,
      200,
      'text/xml',
      awsQueryResponse(call.operation, requestId, result as XmlValue),
      requestId,
    );
  }
}

function replyError(
  response: ServerResponse,
  protocol: Call['protocol'],
  requestId: string,
  error: ApiError,
): void {
  if (protocol === 'json') {
    send(
      response,
      error.status,
      JSON_CONTENT_TYPE,
      jsonError(error.code, error.message),
      requestId,
      error.code,
    );
  } else if (protocol === 'ec2') {
    send(
      response,
      error.status,
      'text/xml;charset=UTF-8',
      ec2Error(error.code, error.message, requestId),
      requestId,
    );
  } else {
    send(
      response,
      error.status,
      'text/xml',
      awsQueryError(error.code, error.message, error.status, requestId),
      requestId,
    );
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new ApiError('RequestEntityTooLarge', `Request body is larger than ${MAX_BODY_BYTES} bytes`, 413),
        );
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The request's parameters for the log; for the query protocols, without Action and Version. */
function logParams(call: Call): unknown {
  if (!(call.params instanceof Map)) return call.params;
  const params = Object.fromEntries(call.params);
  delete params.Action;
  delete params.Version;
  return params;
}

/**
 * Refuses a request signed with keys whose AssumeRole session has expired on the sandbox clock,
 * with the code each protocol uses: `ExpiredTokenException` (JSON), `ExpiredToken` (query, EC2, S3).
 */
function refuseExpired(world: SandboxWorld, caller: Caller, service: ServiceName): void {
  if (!caller.session || !world.expired(caller.session)) return;
  if (service === 's3') throw new ApiError('ExpiredToken', 'The provided token has expired.');
  const message = 'The security token included in the request is expired';
  if (service === 'ec2' || service === 'sts') throw new ApiError('ExpiredToken', message);
  throw new ApiError('ExpiredTokenException', message, service === 'securityhub' ? 403 : 400);
}

/** S3 speaks REST-XML: the operation is the method and path, not a target header or an Action. */
async function handleS3Request(
  core: ServerCore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string,
  region: string,
) {
  const requestId = randomUUID();
  const operation = s3Operation(request.method ?? 'GET', url.pathname);
  const caller = core.world.caller(accessKeyOf(request.headers.authorization));
  let status = 200;
  let errorCode: string | undefined;
  try {
    refuseExpired(core.world, caller, 's3');
    const decision = core.faults.decide('s3', operation, region, caller.account);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.reject === 'throttle')
      throw new ApiError(THROTTLE.s3[0], 'Please reduce your request rate.', 503);
    if (decision.reject === 'internal')
      throw new ApiError(INTERNAL.s3, 'We encountered an internal error (sandbox fault).', 500);
    const time = core.world.clock.now().toISOString();
    const { etag } = handleS3(
      { method: request.method ?? 'GET', path: url.pathname, headers: request.headers, body, region, time },
      (object) => core.storeObject?.(object),
    );
    if (decision.loseResponse)
      throw new ApiError(INTERNAL.s3, 'We encountered an internal error after storing (sandbox fault).', 500);
    response.writeHead(200, { etag, 'x-amz-request-id': requestId, 'content-length': 0 });
    response.end();
  } catch (caught) {
    const error =
      caught instanceof ApiError
        ? caught
        : new ApiError('InternalError', `sandbox bug: ${(caught as Error)?.message}`, 500);
    status = error.status;
    errorCode = error.code;
    send(
      response,
      error.status,
      'application/xml',
      s3Error(error.code, error.message, requestId),
      requestId,
      error.code,
    );
  } finally {
    core.record({
      time: core.world.clock.now().toISOString(),
      service: 's3',
      operation,
      region,
      account: caller.account,
      status,
      errorCode,
      mutating: MUTATIONS.has(operation),
      params: { path: url.pathname, bytes: Buffer.byteLength(body) },
    });
  }
}

async function handleAws(
  core: ServerCore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string,
) {
  const scope = credentialScope(request.headers.authorization);
  if (scope.service === 's3')
    return handleS3Request(core, request, response, url, body, scope.region ?? DEFAULT_REGION);
  const requestId = randomUUID();
  const caller = core.world.caller(accessKeyOf(request.headers.authorization));
  let call: Call | undefined;
  let status = 200;
  let errorCode: string | undefined;
  try {
    call = identify(request, url, body);
    const hooks = core.hooks?.() ?? {};
    const seen: SandboxCall = { ...call, account: caller.account, path: url.pathname };
    if (hooks.beforeRequest) await hooks.beforeRequest(seen);
    refuseExpired(core.world, caller, call.service);
    const decision = core.faults.decide(call.service, call.operation, call.region, caller.account);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.reject === 'throttle') {
      const [code, httpStatus] = THROTTLE[call.service];
      throw new ApiError(code, 'Rate exceeded', httpStatus);
    }
    if (decision.reject === 'internal') {
      throw new ApiError(INTERNAL[call.service], 'An internal error occurred (sandbox fault)', 500);
    }
    const state = core.world.state(caller.account)!;
    state.settle();
    const context = { state, world: core.world, caller, region: call.region, events: core.events };
    const handled = call;
    const result = hooks.aroundHandle
      ? hooks.aroundHandle(seen, () => run(handled, context))
      : run(call, context);
    if (decision.loseResponse) {
      throw new ApiError(
        INTERNAL[call.service],
        'An internal error occurred after the request was applied (sandbox fault)',
        500,
      );
    }
    reply(response, call, requestId, result);
  } catch (caught) {
    const error =
      caught instanceof ApiError
        ? caught
        : new ApiError('InternalFailure', `sandbox bug: ${(caught as Error)?.message ?? caught}`, 500);
    status = error.status;
    errorCode = error.code;
    replyError(
      response,
      call?.protocol ?? (request.headers['x-amz-target'] ? 'json' : 'ec2'),
      requestId,
      error,
    );
  } finally {
    core.record({
      time: core.world.clock.now().toISOString(),
      service: call?.service ?? 'unknown',
      operation: call?.operation ?? '',
      region: call?.region ?? '',
      account: caller.account,
      status,
      errorCode,
      mutating: MUTATIONS.has(call?.operation ?? ''),
      params: call ? logParams(call) : undefined,
    });
  }
}

/**
 * Why an admin request is refused, if it is. Any web page can make a browser POST `text/plain`
 * to 127.0.0.1 without a preflight, or reach it through a DNS name rebound to 127.0.0.1; then
 * a page could change faults or the clock. Browsers always send `Origin` on such requests and
 * name the page's host in `Host`; curl, the SDKs and the tests send neither.
 */
export function adminRefusal(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    return (
      `refused: the request carries an Origin header: admin routes answer only local tools ` +
      `(curl, SDKs, tests), never a web page (Origin ${JSON.stringify(origin)})`
    );
  }
  const host = request.headers.host ?? '';
  if (!isLoopbackUrl(`http://${host}`)) {
    return (
      `refused: Host "${host}" is not this machine: admin routes answer only requests addressed ` +
      'to 127.0.0.1, localhost or [::1]'
    );
  }
  return undefined;
}

function handleAdmin(
  core: ServerCore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string,
) {
  let result: { status: number; body: unknown } | undefined;
  const refusal = adminRefusal(request);
  try {
    result = refusal
      ? { status: 403, body: { error: refusal } }
      : core.admin(request.method ?? 'GET', url.pathname, url.searchParams, body);
  } catch (error) {
    result = { status: 400, body: { error: (error as Error).message } };
  }
  result ??= { status: 404, body: { error: `no admin route ${request.method} ${url.pathname}` } };
  const text = JSON.stringify(result.body);
  response.writeHead(result.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** An HTTP server for the sandbox (not yet listening). */
export function createSandboxServer(core: ServerCore): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://sandbox.local');
    readBody(request).then(
      (body) =>
        url.pathname.startsWith('/_sandbox/')
          ? handleAdmin(core, request, response, url, body)
          : handleAws(core, request, response, url, body),
      (error: ApiError) => {
        if (!response.headersSent) replyError(response, 'json', randomUUID(), error);
      },
    );
  });
}
