import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { WorkerConfig } from '../../../worker.config.js';

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The RFC 5322 Message-ID: the same on every attempt at the same notification. */
  readonly messageId: string;
  readonly idempotencyKey: string;
}

/** SMTP through nodemailer when `SMTP_URL` is set; otherwise notifications go to the local mailbox. */
@Injectable()
export class TrackingMailer implements OnApplicationShutdown {
  private readonly transport?: Transporter;
  readonly from: string;

  constructor(config: WorkerConfig) {
    this.from = config.MAIL_FROM;
    if (config.SMTP_URL) {
      const url = new URL(config.SMTP_URL);
      for (const [name, ms] of [['connectionTimeout', 10_000], ['greetingTimeout', 10_000], ['socketTimeout', 20_000]] as const) {
        if (!url.searchParams.has(name)) url.searchParams.set(name, String(ms));
      }
      this.transport = createTransport(url.toString());
    }
  }

  get usesSmtp(): boolean {
    return this.transport !== undefined;
  }

  /** Resolves once the server accepted the mail, with what it answered. */
  async send(mail: OutgoingMail): Promise<{ response: string }> {
    const info = await this.transport!.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      headers: { 'X-Tributary-Idempotency-Key': mail.idempotencyKey },
    });
    return { response: String(info.response ?? '') };
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
