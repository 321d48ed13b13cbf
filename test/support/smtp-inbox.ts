import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './workers';

export interface ReceivedMail {
  /** SMTP envelope recipients. */
  rcptTo: string[];
  subject: string;
  text: string;
}

/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1:0, no TLS, no login) that
 * keeps what arrives, parsed with mailparser. Pass `smtpUrl` as SMTP_URL to the app.
 */
export class SmtpInbox {
  private constructor(
    private readonly server: SMTPServer,
    readonly smtpUrl: string,
    readonly received: ReceivedMail[],
  ) {}

  static async start(): Promise<SmtpInbox> {
    const received: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            received.push({
              rcptTo: session.envelope.rcptTo.map((a) => a.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    return new SmtpInbox(server, `smtp://127.0.0.1:${port}`, received);
  }

  /** The mails to an address so far. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.rcptTo.includes(address));
  }

  /** Waits for the `count`-th mail to an address (1 = the first) and returns it. */
  async nth(address: string, count: number): Promise<ReceivedMail> {
    return waitFor(
      async () => {
        const mails = this.to(address);
        return mails.length >= count ? mails[count - 1] : null;
      },
      { what: `mail #${count} to ${address}` },
    );
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(resolve));
  }
}
