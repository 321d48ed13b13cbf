import { Module } from '@nestjs/common';
import { StorageModule } from '../../../infra/storage/storage.module';
import { AttachmentUploadInterceptor } from './attachment-upload';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

/**
 * Uploaded files: `POST /attachments` streams into StorageService; other modules reference
 * attachments by id (AttachmentsService.findOwnedByOrganization) and serve them with sendContent.
 */
@Module({
  imports: [StorageModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentsRepository, AttachmentUploadInterceptor],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
