import type { JsonObject } from '../../../common/json';

/** The pieces every mail template is written with: languages, typed event data, dates and money. */

export const MAIL_LOCALES = ['zh-CN', 'en'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** A user's `locale` as a mail language: English when they asked for it, Chinese otherwise. */
export function mailLocaleOf(userLocale: string | null | undefined): MailLocale {
  return userLocale === 'en' ? 'en' : 'zh-CN';
}

/** Event data a template needs is missing or not what it expects: a bug, not a retryable failure. */
export class MailTemplateError extends Error {
  constructor(kind: string, message: string) {
    super(`Mail template ${kind}: ${message}`);
    this.name = 'MailTemplateError';
  }
}

export interface MailContent {
  subject: string;
  text: string;
}

export interface MailRecipient {
  displayName: string;
}

/** Typed reads of an event's data that fail loudly (MailTemplateError) when a value is missing. */
export class MailData {
  constructor(
    readonly kind: string,
    private readonly data: JsonObject,
  ) {}

  text(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string' || !value.trim()) this.missing(key, 'a non-empty string');
    return value.trim();
  }

  /** A string that may be absent, null or empty (e.g. the challenge code before publication). */
  optionalText(key: string): string | null {
    const value = this.data[key];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') this.missing(key, 'a string or null');
    return value.trim() || null;
  }

  /** One of `values`: an unknown value is a template to extend, not something to mail vaguely. */
  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const value = this.text(key);
    if (!(values as readonly string[]).includes(value)) this.missing(key, `one of ${values.join(', ')}`);
    return value as T;
  }

  instant(key: string): Date {
    const date = new Date(this.text(key));
    if (Number.isNaN(date.getTime())) this.missing(key, 'an ISO-8601 instant');
    return date;
  }

  /** Whole fen (an integer, as money always is). */
  fen(key: string): number {
    const value = this.data[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      this.missing(key, 'a whole number of fen');
    return value;
  }

  /** A whole number of things (assignments, objections). */
  count(key: string): number {
    const value = this.data[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      this.missing(key, 'a whole number');
    return value;
  }

  /** A whole number that may be absent or null (e.g. a result's verified TRL before any verdict). */
  optionalCount(key: string): number | null {
    const value = this.data[key];
    if (value === undefined || value === null) return null;
    return this.count(key);
  }

  /** A non-empty list of non-empty strings (e.g. roles). */
  texts(key: string): string[] {
    const value = this.data[key];
    if (!Array.isArray(value) || !value.length || value.some((v) => typeof v !== 'string' || !v.trim()))
      this.missing(key, 'a non-empty list of strings');
    return (value as string[]).map((v) => v.trim());
  }

  flag(key: string): boolean {
    const value = this.data[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.missing(key, 'a boolean');
    return value;
  }

  private missing(key: string, what: string): never {
    throw new MailTemplateError(this.kind, `event data "${key}" must be ${what}`);
  }
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `2027-03-05 09:30` in Beijing time (UTC+8 all year: China has no daylight saving time). */
function beijing(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
export const zhTime = (date: Date) => `${beijing(date)}（北京时间）`;
export const enTime = (date: Date) => `${beijing(date)} (Beijing time, UTC+8)`;

/** An English sentence that starts with a phrase (`the need “…”` → `The need “…”`). */
export const sentence = (phrase: string) => phrase.charAt(0).toUpperCase() + phrase.slice(1);

/** ¥1,234,567.89 from fen, in integer arithmetic. */
export function yuan(fen: number): string {
  const whole = Math.trunc(fen / 100).toLocaleString('en-US');
  return `¥${whole}.${String(fen % 100).padStart(2, '0')}`;
}

/** 「标题」（编号 JB-2027-0042）, or without the code before the challenge has one. */
export function zhChallenge(title: string, code: string | null): string {
  return code ? `「${title}」（编号 ${code}）` : `「${title}」`;
}
export function enChallenge(title: string, code: string | null): string {
  return code ? `“${title}” (${code})` : `“${title}”`;
}

export interface Draft {
  subject: string;
  /** Paragraphs of the body, between the greeting and the footer. */
  lines: string[];
}
export type Write = (d: MailData) => Draft;

export interface MailTemplate {
  'zh-CN': Write;
  en: Write;
}

export const FORMAL_CHECK_OUTCOMES = ['eligible', 'ineligible', 'returned'] as const;
export const OBJECTION_STATUSES = ['under_investigation', 'upheld', 'dismissed'] as const;
export const ASSESSMENT_OUTCOMES = ['passed', 'passed_with_conditions', 'failed'] as const;
export const PAYERS = ['fiscal', 'issuer'] as const;

/** The list of a challenge event (`title`, `code`). */
export const challengeOf = (d: MailData) => ({ title: d.text('title'), code: d.optionalText('code') });

/** 项目（榜单编号 JB-…）: milestone events name the project by its challenge code when there is one. */
export function zhProject(d: MailData): string {
  const code = d.optionalText('challengeCode');
  return code ? `揭榜项目（榜单编号 ${code}）` : '揭榜项目';
}
export function enProject(d: MailData): string {
  const code = d.optionalText('challengeCode');
  return code ? `the project of challenge ${code}` : 'your project';
}
