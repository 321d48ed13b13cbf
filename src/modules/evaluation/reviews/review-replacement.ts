import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import type { ProgramSettings } from '../../call/programs/program-settings';
import type { ConflictParties } from '../experts/conflicts';
import type { LeaveOutcome } from '../panels/panel-member.machine';
import type { PanelMemberEntity } from './entities/panel-member.entity';
import type { ReviewAssignmentEntity } from './entities/review-assignment.entity';

/** What a replacement did: the member left; a reserve was called, or none was left. */
export interface ReplacementOutcome {
  reserveCalled: boolean;
  replacementMemberId: string | null;
}

/** What the conflict rules and the assignments of a replacement read of the challenge. */
export interface ReviewContext {
  challenge: ChallengeEntity;
  settings: ProgramSettings;
  parties: ConflictParties;
  applications: ApplicationEntity[];
}

/** A member leaving the panel: from which declared assignment, why, and with what outcome. */
export interface Leaving {
  member: PanelMemberEntity;
  declared: ReviewAssignmentEntity;
  outcome: LeaveOutcome;
  reason: string;
}
