import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: string[];
  readonly messageId: string;
  readonly subject: string;
  readonly raw: string;
}

export interface SmtpSink {
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Called with each mail once its data is in, before the server answers (a test may kill the sender here). */
  onMail?: (mail: ReceivedMail) => Promise<void> | void;
  stop(): Promise<void>;
}

const header = (raw: string, name: string): string => {
  const match = new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw);
  return match ? match[1].replace(/\r?\n[ \t]+/g, ' ').trim() : '';
};

/** A real SMTP server (the smtp-server package) on a free loopback port, keeping every mail it accepts. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    mails: [],
    stop: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header(raw, 'Message-ID'),
          subject: header(raw, 'Subject'),
          raw,
        };
        sink.mails.push(mail);
        try {
          await sink.onMail?.(mail);
        } finally {
          callback();
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  Object.assign(sink, { url: `smtp://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return sink;
}
