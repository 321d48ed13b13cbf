import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { AppConfig } from '../../../infra/config/config';

/**
 * Bounds on one SMTP conversation, so a stuck server cannot hold a job (or its row's lease, see
 * CLAIM_LEASE_MS) for long: connect, greeting, then any silence on the socket.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 };

/**
 * The nodemailer SMTP transport options from SMTP_URL (nodemailer's URL form: `smtp://` or
 * `smtps://`, credentials and query options included) or SMTP_HOST/PORT/SECURE/USER/PASS; null
 * when neither is set, which means "record mail, send none" (the zero-config start).
 */
export function smtpOptions(
  config: Pick<AppConfig, 'SMTP_URL' | 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASS'>,
): SMTPTransport.Options | null {
  if (config.SMTP_URL) return { ...parseConnectionUrl(config.SMTP_URL), ...SMTP_TIMEOUTS };
  if (!config.SMTP_HOST) return null;
  return {
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } } : {}),
    ...SMTP_TIMEOUTS,
  };
}

/** host:port of the options, for log lines (never the credentials). */
export function describeSmtp(options: SMTPTransport.Options): string {
  return `${options.secure ? 'smtps' : 'smtp'}://${options.host ?? 'localhost'}:${options.port ?? (options.secure ? 465 : 587)}`;
}
