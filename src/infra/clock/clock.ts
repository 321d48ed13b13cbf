import { Global, Injectable, Module } from '@nestjs/common';

/** The one source of "now". Tests replace it (TestClock) so deadline logic needs no sleeping. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
