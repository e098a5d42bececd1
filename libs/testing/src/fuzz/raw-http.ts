import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method: string;
  /** Sent as is: percent-encode what node:http would refuse to put on the request line. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
}

/** Bytes of an answer kept (a huge answer is cut here, not in the assertion). */
const MAX_BODY = 4 * 1024 * 1024;
/** A request not answered in this long is a hang: reported, never waited out. */
const ANSWER_WITHIN_MS = 30_000;

/**
 * One request through node:http with no client-side opinions: any method token, the path and the
 * headers as given, the body as bytes (a Content-Length is set unless the headers set one or say
 * chunked). A fresh connection each time, so a server that closes one after an error harms no other.
 */
export function rawHttp(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    if (req.body && !names.includes('content-length') && !names.includes('transfer-encoding')) headers['content-length'] = String(req.body.length);
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: false, setHost: !names.includes('host') },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    outgoing.setTimeout(ANSWER_WITHIN_MS, () => outgoing.destroy(new Error(`${req.method} ${req.path}: no answer within ${ANSWER_WITHIN_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/**
 * Raw bytes on a fresh TCP connection (a malformed request line, headers Node's client would never
 * send): the bytes answered before the server closed the connection. The connection is half-closed
 * after `bytes` are written, so a server waiting for more sees the end instead of waiting.
 */
export function rawTcp(baseUrl: string, bytes: Buffer, { halfClose = true }: { halfClose?: boolean } = {}): Promise<Buffer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(url.port), url.hostname);
    socket.setTimeout(ANSWER_WITHIN_MS, () => socket.destroy(new Error(`no answer or close within ${ANSWER_WITHIN_MS} ms`)));
    socket.on('connect', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(Buffer.concat(chunks)) : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** The HTTP answers in what a connection received (status line, headers, body by Content-Length). */
export function parseHttpAnswers(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : rest.length - end - 4;
    answers.push({ status, headers, body: rest.subarray(end + 4, end + 4 + length) });
    rest = rest.subarray(end + 4 + length);
  }
  return answers;
}
