import type { RawAnswer } from './raw-http.js';

/** A stable error code: lower case, digits and underscores. */
export const ERROR_CODE = /^[a-z0-9_]+$/;
/** What a stack trace or a source location looks like in an answer. */
const STACK = /\n\s+at \S|\bat (?:async )?[\w$.<>]+ \((?:file:\/\/)?\/[^)]*:\d+:\d+\)|\/node_modules\/\S*\.[cm]?[jt]s\b|\/(?:apps|libs)\/[\w/-]+\.[jt]s:\d+/;

/** A refusal says what is wrong in a few lines: one of more bytes than this (besides quoting the request back, at most twice over) lists too much. */
export const MAX_REFUSAL_BYTES = 64 * 1024;

export interface ContractOptions {
  /** Secrets that must never be in an answer (keys, tokens, signing and encryption keys). */
  readonly secrets?: readonly string[];
  /** The request was a HEAD: the answer has no body. */
  readonly head?: boolean;
  /** 503 is expected (a dependency is cut on purpose). */
  readonly allowUnavailable?: boolean;
  /** What the request itself held (its path, its body): an answer may quote it back, and that is no leak. */
  readonly echoes?: readonly string[];
}

/** The answer's text without what it may quote from the request. */
const answerText = (answer: RawAnswer, options: ContractOptions): string =>
  (options.echoes ?? []).filter((e) => e.length >= 4).reduce((text, echo) => text.split(echo).join(''), answer.body.toString('utf8'));

/**
 * What is wrong with an HTTP answer under the platform's contract (empty: nothing): never a 5xx
 * (503 only when allowed), every refusal (4xx/5xx) a short JSON body `{ error: { code, message }, traceId }`
 * with a stable code and the trace id of the `x-trace-id` header, no stack trace and no secret in any
 * answer.
 */
export function errorContractProblems(answer: RawAnswer, options: ContractOptions = {}): string[] {
  const problems: string[] = [];
  const text = answerText(answer, options);
  if (answer.status >= 500 && !(answer.status === 503 && options.allowUnavailable)) problems.push(`answered ${answer.status}`);
  if (STACK.test(text)) problems.push('the body holds a stack trace or a source path');
  for (const secret of options.secrets ?? []) if (secret.length >= 8 && text.includes(secret)) problems.push(`the body holds a secret (${secret.slice(0, 4)}…)`);
  if (answer.status < 400 || options.head) return problems;
  const quoted = Math.max(0, ...(options.echoes ?? []).map((e) => Buffer.byteLength(JSON.stringify(e))));
  if (answer.body.length > MAX_REFUSAL_BYTES + 2 * quoted) problems.push(`a refusal of ${answer.body.length} bytes (to a request of ${quoted})`);
  const type = String(answer.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) problems.push(`refusal with content-type "${type}"`);
  let body: { error?: { code?: unknown; message?: unknown }; traceId?: unknown } | undefined;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    problems.push('refusal body is not JSON');
    return problems;
  }
  const code = body?.error?.code;
  if (typeof code !== 'string' || !ERROR_CODE.test(code)) problems.push(`error.code ${JSON.stringify(code)} is not a stable code`);
  if (typeof body?.error?.message !== 'string' || body.error.message === '') problems.push('error.message is missing');
  if (typeof body?.traceId !== 'string' || body.traceId === '') problems.push('traceId is missing');
  else if (answer.headers['x-trace-id'] !== undefined && answer.headers['x-trace-id'] !== body.traceId) problems.push('traceId differs from x-trace-id');
  return problems;
}

/**
 * The same for a GraphQL answer: errors are `errors[]` with a message and `extensions.code` (Apollo's
 * own codes are upper case), never a stack trace or `extensions.stacktrace`, and no 5xx.
 */
export function graphqlContractProblems(answer: RawAnswer, options: ContractOptions = {}): string[] {
  const problems: string[] = [];
  const text = answerText(answer, options);
  if (answer.status >= 500 && !(answer.status === 503 && options.allowUnavailable)) problems.push(`answered ${answer.status}`);
  if (STACK.test(text) || text.includes('"stacktrace"')) problems.push('the body holds a stack trace or a source path');
  for (const secret of options.secrets ?? []) if (secret.length >= 8 && text.includes(secret)) problems.push(`the body holds a secret (${secret.slice(0, 4)}…)`);
  if (options.head) return problems;
  let body: { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>; error?: unknown } | undefined;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    if (answer.status >= 400 || answer.body.length > 0) problems.push('the body is not JSON');
    return problems;
  }
  // Refused before GraphQL (by the HTTP edge): the platform's REST error body.
  if (body && 'error' in body && !('errors' in body)) return answer.status >= 400 ? [...problems, ...errorContractProblems(answer, options)] : [...problems, 'an error body on a success'];
  if (answer.status >= 400 && !body?.errors?.length) problems.push(`answered ${answer.status} without errors`);
  for (const error of body?.errors ?? []) {
    if (typeof error.message !== 'string') problems.push('an error without a message');
    if (typeof error.extensions?.code !== 'string' || !/^[A-Za-z0-9_]+$/.test(error.extensions.code)) problems.push(`extensions.code ${JSON.stringify(error.extensions?.code)} is not a stable code`);
    if (error.extensions?.code === 'internal' || error.extensions?.code === 'INTERNAL_SERVER_ERROR') problems.push(`an internal error: ${String(error.message)}`);
  }
  return problems;
}
