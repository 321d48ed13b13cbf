import type { Readable } from 'node:stream';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import {
  BadRequestException,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { DomainError } from '../../../common/errors/domain-error';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { StagedObject, StorageService } from '../../../infra/storage/storage.service';
import {
  ContentInspector,
  FILE_FIELD,
  normalizeMediaType,
  sanitizeFilename,
  unsupportedType,
} from './upload-rules';

/** An upload that passed every check, its content staged (not yet committed) in StorageService. */
export interface CheckedUpload {
  filename: string;
  contentType: string;
  staged: StagedObject;
}

/** The file part of an upload, as the route receives it (`@UploadedAttachment()`). */
export interface UploadedAttachmentFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  upload: CheckedUpload;
}

/** A file part of a multipart body. */
interface IncomingFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  stream: Readable;
}

export interface UploadPolicy {
  maxBytes: number;
  allowedTypes: readonly string[];
}

/**
 * Receives a file part without ever buffering it: refuses a type outside the allow-list or a name
 * with nothing left after sanitizing before reading a byte, then streams the part through
 * ContentInspector into StorageService staging, which hashes, counts and cuts off at the limit.
 * A refusal removes the staging copy and leaves the rest of the part to be drained.
 */
export class AttachmentStorageEngine {
  constructor(
    private readonly storage: StorageService,
    private readonly policy: UploadPolicy,
  ) {}

  async receive(file: IncomingFile): Promise<CheckedUpload> {
    const contentType = normalizeMediaType(file.mimetype);
    if (!this.policy.allowedTypes.includes(contentType)) {
      throw unsupportedType(contentType, this.policy.allowedTypes);
    }
    const filename = sanitizeFilename(file.originalname);
    if (!filename) {
      throw DomainError.validation([
        { field: FILE_FIELD, message: 'file name is empty once path and control characters are removed' },
      ]);
    }
    // Piped, not pipelined: a refusal must not destroy the parser's stream, only stop reading it.
    const inspector = new ContentInspector(contentType);
    file.stream.once('error', (error) => inspector.destroy(error));
    file.stream.pipe(inspector);
    const staged = await this.storage.stage(inspector, { maxBytes: this.policy.maxBytes });
    return { filename, contentType, staged };
  }
}

/** The limits of an upload's multipart body: one file, a few small fields (busboy's names). */
export function attachmentLimits(config: AppConfig) {
  return {
    fileSize: config.ATTACHMENT_MAX_BYTES,
    files: 1,
    fields: 10,
    fieldSize: 1024,
    fieldNameSize: 100,
    parts: 11,
    headerPairs: 100,
  };
}

/** What @fastify/multipart adds to a request (configureApp registers it). */
interface MultipartRequest {
  raw: Readable;
  isMultipart?: () => boolean;
  parts(options: object): AsyncIterableIterator<Multipart>;
  [UPLOADED]?: UploadedAttachmentFile;
}

const UPLOADED = Symbol('uploadedAttachment');

/**
 * The answers the multer-based upload gave before ADR 0050, for the parser's refusals: a file over
 * the limit 413, a file in another field, a second file, too many parts or fields, a name or value
 * too long, a broken body 400.
 */
function parserRefusal(error: unknown): unknown {
  if (error instanceof DomainError || error instanceof HttpException) return error;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new PayloadTooLargeException('File too large');
    case 'FST_FILES_LIMIT':
      return new BadRequestException('Too many files');
    case 'FST_PARTS_LIMIT':
      return new BadRequestException('Too many parts');
    case 'FST_FIELDS_LIMIT':
      return new BadRequestException('Too many fields');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BadRequestException(message.startsWith('Multipart') ? message : `Multipart: ${message}`);
}

/**
 * Reads the multipart body of `POST /attachments` (after the guards: a caller without the right
 * is refused before a byte is read): the one file part `file`, streamed through
 * AttachmentStorageEngine into staging; the route gets it with `@UploadedAttachment()` and the
 * service commits it. Any refusal discards what was staged and drains the rest of the body.
 */
@Injectable()
export class AttachmentUploadInterceptor implements NestInterceptor {
  private readonly engine: AttachmentStorageEngine;
  private readonly limits: ReturnType<typeof attachmentLimits>;

  constructor(storage: StorageService, @InjectConfig() config: AppConfig) {
    this.storage = storage;
    this.engine = new AttachmentStorageEngine(storage, {
      maxBytes: config.ATTACHMENT_MAX_BYTES,
      allowedTypes: config.ATTACHMENT_ALLOWED_TYPES,
    });
    this.limits = attachmentLimits(config);
  }

  private readonly storage: StorageService;

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<MultipartRequest>();
    if (request.isMultipart?.()) request[UPLOADED] = await this.receive(request);
    return next.handle();
  }

  private async receive(request: MultipartRequest): Promise<UploadedAttachmentFile | undefined> {
    let received: UploadedAttachmentFile | undefined;
    try {
      // Browsers and HTTP clients send file names as raw UTF-8, not latin1 (busboy's default).
      const parts = request.parts({ limits: this.limits, defParamCharset: 'utf8' });
      for await (const part of this.refusingParserErrors(parts)) {
        if (part.type === 'file') {
          if (part.fieldname !== FILE_FIELD || received) {
            part.file.resume();
            throw new BadRequestException('Unexpected field');
          }
          received = await this.receiveFile(part);
        } else if (part.fieldnameTruncated) {
          throw new BadRequestException('Field name too long');
        } else if (part.valueTruncated) {
          throw new BadRequestException('Field value too long');
        }
      }
      return received;
    } catch (error) {
      if (received) await this.storage.discard(received.upload.staged);
      // The rest of the body is read and dropped, so the answer reaches the client.
      request.raw.unpipe();
      request.raw.resume();
      throw error;
    }
  }

  private async receiveFile(part: MultipartFile): Promise<UploadedAttachmentFile> {
    try {
      const upload = await this.engine.receive({
        fieldname: part.fieldname,
        originalname: part.filename,
        mimetype: part.mimetype,
        stream: part.file,
      });
      if (part.file.truncated) {
        await this.storage.discard(upload.staged);
        throw new PayloadTooLargeException('File too large');
      }
      return { fieldname: part.fieldname, originalname: part.filename, mimetype: part.mimetype, upload };
    } catch (error) {
      part.file.resume(); // let the parser drain the rest of the part
      throw error;
    }
  }

  private async *refusingParserErrors(parts: AsyncIterableIterator<Multipart>): AsyncGenerator<Multipart> {
    for (;;) {
      let next: IteratorResult<Multipart>;
      try {
        next = await parts.next();
      } catch (error) {
        throw parserRefusal(error);
      }
      if (next.done) return;
      yield next.value;
    }
  }
}

/** The upload AttachmentUploadInterceptor received, or undefined (no multipart body, no file part). */
export const UploadedAttachment = createParamDecorator(
  (_data: unknown, context: ExecutionContext): UploadedAttachmentFile | undefined =>
    context.switchToHttp().getRequest<MultipartRequest>()[UPLOADED],
);
