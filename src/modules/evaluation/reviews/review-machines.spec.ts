import { REVIEW_SEAT_SPELLING } from './review-panel.machine';

// Every action in every state of both review tables: test/unit/state-machines.spec.ts.

describe('REVIEW_SEAT_SPELLING', () => {
  it('stores a seated member as active and one that left as replaced', () => {
    expect(REVIEW_SEAT_SPELLING.write('pending')).toBe('active');
    expect(REVIEW_SEAT_SPELLING.write('declined')).toBe('replaced');
    expect(REVIEW_SEAT_SPELLING.write('standby')).toBe('standby');
    expect(REVIEW_SEAT_SPELLING.read('active')).toBe('pending');
    expect(REVIEW_SEAT_SPELLING.read('unused')).toBe('unused');
  });
});
