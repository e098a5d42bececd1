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
  /** Every mail whose data came in, answered or not. */
  readonly mails: ReceivedMail[];
  /** The mails whose answer is being held (`holdAfter`): their senders still wait for it. */
  readonly held: readonly ReceivedMail[];
  /** Called with each mail once its data is in, before the server answers (a test may kill the sender here). */
  onMail?: (mail: ReceivedMail) => Promise<void> | void;
  /**
   * Answers the next `answered` mails as usual, then holds the answer to every mail after them until
   * `release`: their sends stay in flight (the sender cannot know whether the server took the mail).
   */
  holdAfter(answered: number): void;
  /** Answers the held mails (to the senders still connected) and stops holding. */
  release(): void;
  /** SMTP sessions open now (a killed sender's close once the server noticed). */
  connections(): number;
  /** What broke sessions (a killed sender resets its connections), and what `onMail` threw. */
  readonly errors: Error[];
  stop(): Promise<void>;
}

const header = (raw: string, name: string): string => {
  const match = new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw);
  return match ? match[1].replace(/\r?\n[ \t]+/g, ' ').trim() : '';
};

/** A real SMTP server (the smtp-server package) on a free loopback port, keeping every mail it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  /** Mails still to answer before holding; undefined while not holding. */
  let toAnswer: number | undefined;
  const held: ReceivedMail[] = [];
  const answers: Array<() => void> = [];
  const sink: SmtpSink = {
    url: '',
    mails: [],
    held,
    errors: [],
    holdAfter: (answered) => {
      toAnswer = answered;
    },
    release: () => {
      toAnswer = undefined;
      for (const answer of answers.splice(0)) answer();
    },
    connections: () => 0,
    stop: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header(raw, 'Message-ID'),
          subject: header(raw, 'Subject'),
          raw,
        };
        sink.mails.push(mail);
        if (toAnswer !== undefined && toAnswer-- <= 0) {
          held.push(mail);
          answers.push(() => callback());
          return;
        }
        // The mail is answered either way; a failing `onMail` is the test's own error, kept in `errors`.
        Promise.resolve(sink.onMail?.(mail)).then(
          () => callback(),
          (error: unknown) => {
            sink.errors.push(error instanceof Error ? error : new Error(String(error)));
            callback();
          },
        );
      });
    },
  });
  // A session's failure is the sender's business (it sees its send fail), not the server's end.
  server.on('error', (error) => sink.errors.push(error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => server.connections.size,
    stop: () => {
      sink.release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return sink;
}
