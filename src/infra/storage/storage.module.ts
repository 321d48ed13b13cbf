import { Module } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { APP_CONFIG, AppConfig } from '../config/config';
import { LocalDiskStorage } from './local-disk.storage';
import { StorageService } from './storage.service';

/** Provides StorageService: files on local disk under STORAGE_DIR (docs/adr/0017). */
@Module({
  providers: [
    {
      provide: StorageService,
      useFactory: (config: AppConfig, clock: Clock) => new LocalDiskStorage(config.STORAGE_DIR, clock),
      inject: [APP_CONFIG, Clock],
    },
  ],
  exports: [StorageService],
})
export class StorageModule {}
