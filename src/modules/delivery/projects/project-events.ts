export const MILESTONE_OVERDUE_DEADLINE = 'project_milestone.overdue';
/** Reminders before a milestone's due time, at the program's `reminderOffsetsHours` (kind `…@<h>h`). */
export const MILESTONE_DUE_REMINDER = 'project_milestone.due_reminder';
export const MILESTONE_ENTITY = 'project_milestone';

export const PROJECT_EVENTS = {
  activated: 'project.activated',
  suspended: 'project.suspended',
  resumed: 'project.resumed',
  terminated: 'project.terminated',
  milestoneSubmitted: 'milestone.submitted',
  milestoneAssessed: 'milestone.assessed',
  milestoneOverdue: 'milestone.overdue',
  milestoneDueSoon: 'milestone.due_soon',
  changeRequested: 'change_request.lodged',
  changeDecided: 'change_request.decided',
  stageGateDecided: 'stage_gate.decided',
} as const;

/** The audit actions of the projects module. */
export const PROJECT_AUDIT = {
  signed: 'project.signed',
  activated: 'project.activated',
  suspended: 'project.suspended',
  resumed: 'project.resumed',
  terminated: 'project.terminated',
  milestoneSubmitted: 'milestone.submitted',
  milestoneAssessed: 'milestone.assessed',
  milestoneOverdue: 'milestone.overdue',
  changeLodged: 'change_request.lodged',
  changeDecided: 'change_request.decided',
  stageGateDecided: 'stage_gate.decided',
} as const;
