import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import type { SendingHttpResponse } from '../../../infra/http/http-types';
import { StorageService } from '../../../infra/storage/storage.service';
import type { CheckedUpload } from './attachment-upload';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentResponseDto, toAttachmentResponse } from './dto/attachment.dto';
import { AttachmentEntity } from './entities/attachment.entity';
import { attachmentDisposition, FILE_FIELD, servedContentType } from './upload-rules';

export const ATTACHMENT_AUDIT = { uploaded: 'attachment.uploaded' } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AttachmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly attachments: AttachmentsRepository,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records an upload the storage engine has checked and staged, for the uploader's organization.
   * The content is committed inside the transaction, last: a failure rolls the row back and
   * discards the staging copy, so a refused upload leaves neither row nor file.
   */
  async upload(actor: Principal, upload: CheckedUpload | undefined): Promise<AttachmentResponseDto> {
    if (!upload) {
      throw DomainError.validation([
        {
          field: FILE_FIELD,
          message: `${FILE_FIELD} is required: send it as a multipart/form-data file part`,
        },
      ]);
    }
    try {
      if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only people may upload attachments');
      const attachment = await this.dataSource.transaction(async (em) => {
        const row = em.create(AttachmentEntity, {
          organizationId: actor.organizationId,
          uploadedBy: actor.userId,
          filename: upload.filename,
          contentType: upload.contentType,
          sizeBytes: upload.staged.sizeBytes,
          sha256: upload.staged.sha256,
          storageKey: upload.staged.key,
          createdAt: this.clock.now(),
        });
        await em.save(row);
        await this.audit.record(em, {
          actor,
          action: ATTACHMENT_AUDIT.uploaded,
          objectType: 'attachment',
          objectId: row.id,
          after: { ...toAttachmentResponse(row) },
        });
        await this.storage.commit(upload.staged);
        return row;
      });
      return toAttachmentResponse(attachment);
    } catch (error) {
      await this.storage.discard(upload.staged);
      throw error;
    }
  }

  /** Metadata, for the uploader's organization or an admin; 404 for anyone else. */
  async get(actor: Principal, id: string): Promise<AttachmentResponseDto> {
    return toAttachmentResponse(await this.findVisible(actor, id));
  }

  /** Streams the content to `res`, for the uploader's organization or an admin; 404 for anyone else. */
  async download(actor: Principal, id: string, res: SendingHttpResponse): Promise<void> {
    await this.sendContent(res, await this.findVisible(actor, id));
  }

  /** For modules that apply access rules of their own (e.g. a challenge's published attachments). */
  findById(id: string, em?: EntityManager): Promise<AttachmentEntity | null> {
    return UUID.test(id) ? this.attachments.findById(id, em) : Promise.resolve(null);
  }

  /**
   * The attachments `ids` name, in that order, if every one exists and belongs to the organization;
   * otherwise VALIDATION_FAILED naming each bad one as `attachments[i].attachmentId`.
   */
  async findOwnedByOrganization(
    em: EntityManager,
    ids: string[],
    organizationId: string,
  ): Promise<AttachmentEntity[]> {
    const wellFormed = [...new Set(ids.filter((id) => typeof id === 'string' && UUID.test(id)))];
    const found = await this.attachments.findManyOwnedBy(em, wellFormed, organizationId);
    const byId = new Map(found.map((attachment) => [attachment.id.toLowerCase(), attachment]));
    const errors: FieldError[] = [];
    const result: AttachmentEntity[] = [];
    ids.forEach((id, i) => {
      const attachment = typeof id === 'string' ? byId.get(id.toLowerCase()) : undefined;
      if (attachment) result.push(attachment);
      else
        errors.push({
          field: `attachments[${i}].attachmentId`,
          message: 'no such attachment uploaded by your organization',
        });
    });
    if (errors.length) throw DomainError.validation(errors);
    return result;
  }

  /**
   * Answers with the content as a download: stored type (text as UTF-8), Content-Length,
   * `Content-Disposition: attachment` with the UTF-8 name (RFC 6266/5987), nosniff, no caching.
   * Use from a route with `@Res()` (not passthrough) marked `@Uncompressed()` (the bytes go out as
   * stored, with their length); the platform streams the content and closes it if the client goes away.
   */
  async sendContent(res: SendingHttpResponse, attachment: AttachmentEntity): Promise<void> {
    const content = await this.storage.open(attachment.storageKey);
    res.status(200);
    res.header('Content-Type', servedContentType(attachment.contentType));
    res.header('Content-Length', String(attachment.sizeBytes));
    res.header('Content-Disposition', attachmentDisposition(attachment.filename));
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Cache-Control', 'private, no-store');
    res.header('Content-Security-Policy', "default-src 'none'; sandbox");
    res.send(content);
  }

  private async findVisible(actor: Principal, id: string): Promise<AttachmentEntity> {
    const attachment = await this.findById(id);
    const visible =
      attachment &&
      (isAdmin(actor) || (actor.kind === 'user' && actor.organizationId === attachment.organizationId));
    if (!visible) throw DomainError.notFound('Attachment');
    return attachment;
  }
}
