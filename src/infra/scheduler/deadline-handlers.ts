import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { discoverHandlers } from '../queue/discover-handlers';
import { DEADLINE_HANDLER, DeadlineHandlerFn } from './deadline-handler';
import { kindFamily } from './reminders';

/** The `@OnDeadline` handlers of the application, by kind (worker process); one per kind. */
@Injectable()
export class DeadlineHandlers implements OnModuleInit {
  private readonly handlers = new Map<string, { name: string; run: DeadlineHandlerFn }>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const found of discoverHandlers<string>(this.discovery, this.scanner, DEADLINE_HANDLER)) {
      const other = this.handlers.get(found.metadata);
      if (other) {
        throw new Error(
          `Deadline kind "${found.metadata}" has two handlers: ${other.name} and ${found.name}`,
        );
      }
      this.handlers.set(found.metadata, { name: found.name, run: found.invoke });
    }
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** The handler of the exact kind, else of its family (`a.b@24h` → `a.b`); undefined if none. */
  find(kind: string): DeadlineHandlerFn | undefined {
    return (this.handlers.get(kind) ?? this.handlers.get(kindFamily(kind)))?.run;
  }
}
