import { Transform, TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { DomainError } from '../../../common/errors/domain-error';

/** The multipart field an upload comes in. */
export const FILE_FIELD = 'file';
export const MAX_FILENAME_LENGTH = 255;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // PK\x03\x04, a local file header

/**
 * The leading bytes a declared type must start with. OOXML documents are ZIP archives. A type on
 * the allow-list without an entry here (an operator's addition) is accepted on its declaration;
 * text/plain is checked differently (valid UTF-8, no NUL), see ContentInspector.
 */
export const SIGNATURES: Readonly<Record<string, Buffer>> = {
  'application/pdf': Buffer.from('%PDF-', 'latin1'),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  'application/zip': ZIP,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ZIP,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ZIP,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ZIP,
};

const TEXT_PLAIN = 'text/plain';

/** `Image/PNG; charset=x` → `image/png`. */
export function normalizeMediaType(declared: string | undefined): string {
  return (declared ?? '').split(';')[0].trim().toLowerCase();
}

export function unsupportedType(contentType: string, allowed: readonly string[]): DomainError {
  return new DomainError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Files of type ${contentType || '(none)'} are not accepted; allowed: ${allowed.join(', ')}`,
    { extra: { allowedTypes: allowed } },
  );
}

function contradicted(contentType: string, why: string): DomainError {
  return new DomainError('UNSUPPORTED_MEDIA_TYPE', `The content is not ${contentType}: ${why}`);
}

// C0 and C1 controls and DEL, bidirectional overrides and isolates (used to disguise extensions),
// line and paragraph separators, zero-width no-break space (BOM).
const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g;

/**
 * The name a file is stored and served under: the last path segment only, without control or
 * direction-changing characters, NFC, trimmed, at most 255 characters (the extension kept when it
 * is short). An empty string when nothing usable is left.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base.normalize('NFC').replace(UNSAFE_CHARACTERS, '').trim();
  if (cleaned === '.' || cleaned === '..') return '';
  const chars = Array.from(cleaned); // code points: a surrogate pair is never cut in half
  if (chars.length <= MAX_FILENAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
  const keep = extension.length > 0 && extension.length <= 16 ? extension : [];
  return (
    chars
      .slice(0, MAX_FILENAME_LENGTH - keep.length)
      .join('')
      .trimEnd() + keep.join('')
  ).trim();
}

/** RFC 5987 `value-chars`: percent-encoded UTF-8 of everything but attr-char. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `Content-Disposition: attachment` per RFC 6266: an ASCII `filename` for old clients and the
 * exact name in `filename*=UTF-8''…` (RFC 5987), which every current browser prefers.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

/** The Content-Type a download is served with: text is UTF-8 (checked at upload). */
export function servedContentType(contentType: string): string {
  return contentType === TEXT_PLAIN ? `${TEXT_PLAIN}; charset=utf-8` : contentType;
}

/**
 * Passes the content through unchanged while checking that it is what it claims to be: the
 * signature of its declared type, or for text/plain valid UTF-8 (a BOM is allowed) without NUL
 * bytes. Fails with UNSUPPORTED_MEDIA_TYPE when the content contradicts the declaration, and with
 * VALIDATION_FAILED when it is empty.
 */
export class ContentInspector extends Transform {
  private readonly signature: Buffer | undefined;
  private readonly decoder: TextDecoder | undefined;
  private head = Buffer.alloc(0);
  private signatureChecked: boolean;
  private sizeBytes = 0;

  constructor(private readonly contentType: string) {
    super();
    this.signature = SIGNATURES[contentType];
    this.signatureChecked = !this.signature;
    if (contentType === TEXT_PLAIN) this.decoder = new TextDecoder('utf-8', { fatal: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sizeBytes += chunk.length;
    const error = this.inspect(chunk);
    if (error) return callback(error);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.sizeBytes === 0) {
      return callback(DomainError.validation([{ field: FILE_FIELD, message: 'file must not be empty' }]));
    }
    if (!this.signatureChecked) return callback(this.signatureMismatch());
    if (this.decoder) {
      try {
        this.decoder.decode(); // throws on a sequence cut off at the end
      } catch {
        return callback(contradicted(this.contentType, 'it is not valid UTF-8 text'));
      }
    }
    callback();
  }

  private inspect(chunk: Buffer): DomainError | undefined {
    if (!this.signatureChecked && this.signature) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, this.signature.length - this.head.length)]);
      if (this.head.length >= this.signature.length) {
        if (!this.head.equals(this.signature)) return this.signatureMismatch();
        this.signatureChecked = true;
      }
    }
    if (this.decoder) {
      if (chunk.includes(0)) return contradicted(this.contentType, 'it contains NUL bytes');
      try {
        this.decoder.decode(chunk, { stream: true });
      } catch {
        return contradicted(this.contentType, 'it is not valid UTF-8 text');
      }
    }
    return undefined;
  }

  private signatureMismatch(): DomainError {
    return contradicted(this.contentType, 'its leading bytes are not the signature of that type');
  }
}
