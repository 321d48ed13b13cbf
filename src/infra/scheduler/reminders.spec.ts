import { hoursBefore, kindFamily, reminderDueAt, reminderHours, reminderKind } from './reminders';

describe('reminder kinds', () => {
  it('carry their offset after @ and name the handler family before it', () => {
    const kind = reminderKind('project_milestone.due_reminder', 168);
    expect(kind).toBe('project_milestone.due_reminder@168h');
    expect(kindFamily(kind)).toBe('project_milestone.due_reminder');
    expect(reminderHours(kind)).toBe(168);
  });

  it('leave a kind without parameter as it is', () => {
    expect(kindFamily('challenge.close')).toBe('challenge.close');
    expect(reminderHours('challenge.close')).toBeNull();
  });

  it('give a handler its offset, and refuse a deadline that is no reminder', () => {
    expect(hoursBefore({ kind: 'review_panel.due_reminder@24h' })).toBe(24);
    expect(() => hoursBefore({ kind: 'review_panel.due' })).toThrow('Not a reminder kind: review_panel.due');
  });

  it('refuse a family with @ and an offset that is not a positive whole hour', () => {
    expect(() => reminderKind('a@b', 1)).toThrow('@');
    expect(() => reminderKind('a', 0)).toThrow('positive');
    expect(() => reminderKind('a', 1.5)).toThrow('positive');
  });

  it('fall due the offset before the deadline', () => {
    expect(reminderDueAt(new Date('2026-12-08T15:59:59.999Z'), 24).toISOString()).toBe(
      '2026-12-07T15:59:59.999Z',
    );
  });
});
