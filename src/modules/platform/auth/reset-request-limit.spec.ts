import { resetWindow } from './reset-request-limit';

describe('reset request windows', () => {
  it('are clock hours, with the seconds left until the next', () => {
    const start = Date.parse('2027-03-01T02:00:00.000Z');
    expect(resetWindow(start).window).toBe(resetWindow(start + 3_599_999).window);
    expect(resetWindow(start + 3_600_000).window).toBe(resetWindow(start).window + 1);
    expect(resetWindow(start).secondsLeft).toBe(3600);
    expect(resetWindow(start + 3_599_999).secondsLeft).toBe(1);
  });
});
