import { HttpException } from '@nestjs/common';
import { ERROR_CODES, TributaryError, type ErrorCode, type ErrorCodeInfo, type ErrorKind } from '@tributary/domain';
import { toGraphqlError } from './coded-error.filter.js';
import { httpExceptionCode } from './graphql-endpoint.js';

// The statuses ERROR_CODES (and so docs/errors.md) lists are the ones the filter answers with.
const withKind = (Object.entries(ERROR_CODES) as [ErrorCode, ErrorCodeInfo][]).filter((entry): entry is [ErrorCode, ErrorCodeInfo & { kind: ErrorKind }] => entry[1].kind !== null);

describe('CodedErrorFilter and ERROR_CODES', () => {
  it.each(withKind)('answers %s over GraphQL with the status ERROR_CODES lists', (code, info) => {
    const answer = toGraphqlError(new TributaryError(info.kind, code, 'a message'));
    expect(answer.extensions).toEqual(expect.objectContaining({ code, status: info.status }));
  });

  it.each([400, 401, 403, 404, 405, 409, 413, 415, 429, 500])("gives Nest's own %s exception a code whose listed status is its own", (status) => {
    const { code } = httpExceptionCode(new HttpException('refused', status));
    expect({ code, status: ERROR_CODES[code].status }).toEqual({ code, status });
  });
});
