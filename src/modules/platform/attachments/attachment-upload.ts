import { Readable } from 'node:stream';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import { DomainError } from '../../../common/errors/domain-error';
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

/** What multer hands the route as `@UploadedFile()`: its own fields plus what the engine returned. */
export interface UploadedAttachmentFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  upload: CheckedUpload;
}

/** The part multer gives a storage engine. */
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
 * A multer storage engine that never buffers a file: it refuses a type outside the allow-list or
 * a name with nothing left after sanitizing before reading a byte, then streams the part through
 * ContentInspector into StorageService staging, which hashes, counts and cuts off at the limit.
 * Any refusal removes the staging copy; a request multer fails after the file was staged (a second
 * file, a broken form) gets it discarded through `_removeFile`. The service commits it.
 */
export class AttachmentStorageEngine {
  constructor(
    private readonly storage: StorageService,
    private readonly policy: UploadPolicy,
  ) {}

  _handleFile(
    _req: unknown,
    file: IncomingFile,
    callback: (error: Error | null, info?: Pick<UploadedAttachmentFile, 'upload'>) => void,
  ): void {
    this.receive(file).then(
      (upload) => callback(null, { upload }),
      (error: Error) => {
        file.stream.resume(); // let the parser drain the rest of the part
        callback(error);
      },
    );
  }

  _removeFile(
    _req: unknown,
    file: Partial<UploadedAttachmentFile>,
    callback: (error: Error | null) => void,
  ): void {
    if (!file.upload) return callback(null);
    this.storage.discard(file.upload.staged).then(() => callback(null), callback);
  }

  private async receive(file: IncomingFile): Promise<CheckedUpload> {
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
    // Piped, not pipelined: a refusal must not destroy multer's stream, only stop reading it.
    const inspector = new ContentInspector(contentType);
    file.stream.once('error', (error) => inspector.destroy(error));
    file.stream.pipe(inspector);
    const staged = await this.storage.stage(inspector, { maxBytes: this.policy.maxBytes });
    return { filename, contentType, staged };
  }
}

/** Multer options for attachment uploads: this engine, one file, a few small fields. */
export function attachmentMulterOptions(storage: StorageService, config: AppConfig): MulterModuleOptions {
  return {
    storage: new AttachmentStorageEngine(storage, {
      maxBytes: config.ATTACHMENT_MAX_BYTES,
      allowedTypes: config.ATTACHMENT_ALLOWED_TYPES,
    }),
    // Browsers and HTTP clients send file names as raw UTF-8, not latin1 (busboy's default).
    defParamCharset: 'utf8',
    limits: {
      fileSize: config.ATTACHMENT_MAX_BYTES,
      files: 1,
      fields: 10,
      fieldSize: 1024,
      fieldNameSize: 100,
      parts: 11,
      headerPairs: 100,
    },
  };
}
