import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { continueTrace } from '@tributary/messaging';
import type { ErrorCode } from '@tributary/domain';
import type { ErrorBody } from './coded-error.filter.js';

/** What Node's HTTP parser refuses, said in the platform's error format instead of Node's bare status line. */
const ANSWERS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request headers are too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: 'payload_too_large', message: 'The chunk extensions are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request was not received in time' },
};
const MALFORMED = { status: 400, code: 'bad_request', message: 'Malformed request' } as const;

/**
 * A request Node's HTTP parser refused never reaches the app: Node answers it itself (431, 400…,
 * plain text). Answered here with the same status in the platform's format, and the connection
 * closed as Node would. Nothing is written to a connection that was reset, or whose response is
 * already under way (it would corrupt what the client reads). So is an `Expect` Node does not know
 * (417), which it would also answer itself, with no body.
 */
export function answerClientErrors(server: Server): void {
  // Node answers an HTTP/1.1 request without a Host header itself (a bare 400, no event): the edge does
  // (`configureHttpEdge`), in the error format.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return socket.destroy();
    const { status, code, message } = ANSWERS[error.code ?? ''] ?? MALFORMED;
    const { traceId } = continueTrace();
    const body: ErrorBody = { error: { code, message }, traceId };
    const json = JSON.stringify(body);
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(json)}`,
      `x-trace-id: ${traceId}`,
      'connection: close',
    ];
    // An answer to HEAD has no body (a client would read the body as garbage after it). Node hands over
    // the bytes it was parsing: the request line is at their start when it came in the first chunk.
    const toHead = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(`${head.join('\r\n')}\r\n\r\n${toHead ? '' : json}`, () => socket.destroy());
  });
  // An `Expect` other than 100-continue: Node answers 417 itself, with no body, unless this is listened for.
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const { traceId } = continueTrace(typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined);
    const body: ErrorBody = { error: { code: 'expectation_failed', message: 'Only "Expect: 100-continue" is supported' }, traceId };
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'x-trace-id': traceId }).end(JSON.stringify(body));
  });
}
