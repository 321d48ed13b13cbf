import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '../../../infra/config/config';
import { StorageModule } from '../../../infra/storage/storage.module';
import { StorageService } from '../../../infra/storage/storage.service';
import { attachmentMulterOptions } from './attachment-upload';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

/**
 * Uploaded files: `POST /attachments` streams into StorageService; other modules reference
 * attachments by id (AttachmentsService.findOwnedByOrganization) and serve them with sendContent.
 */
@Module({
  imports: [
    StorageModule,
    MulterModule.registerAsync({
      imports: [StorageModule],
      inject: [StorageService, APP_CONFIG],
      useFactory: (storage: StorageService, config: AppConfig) => attachmentMulterOptions(storage, config),
    }),
  ],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentsRepository],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
