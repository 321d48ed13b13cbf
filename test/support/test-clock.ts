import { Clock } from '../../src/infra/clock/clock';

/** A clock the test moves by hand: no sleeping for deadlines. */
export class TestClock extends Clock {
  private current: Date;

  constructor(start = new Date('2027-03-01T02:00:00.000Z')) {
    super();
    this.current = new Date(start);
  }

  override now(): Date {
    return new Date(this.current);
  }

  set(date: Date | string): void {
    this.current = new Date(date);
  }

  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}
