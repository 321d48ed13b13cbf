import type { JsonObject, JsonValue } from '../../../common/json';
import type { MilestoneStatus, SigningParty, TaskBookVersionEntity } from './entities/project-parts.entity';
import type { ProjectMilestoneEntity } from './entities/project-parts.entity';
import type {
  ChangeRequestKind,
  ChangeRequestStatus,
  MilestoneAssessmentEntity,
  MilestoneOutcome,
  MilestoneReportEntity,
  ProjectChangeRequestEntity,
  StageGateEntity,
} from './entities/project-work.entity';
import type { ProjectEntity, ProjectStatus } from './entities/project.entity';

export interface ProjectSummaryView {
  id: string;
  challengeId: string;
  applicationId: string;
  programId: string;
  issuerOrganizationId: string;
  leadOrganizationId: string;
  status: ProjectStatus;
  statusReason: string | null;
  taskBookVersion: number;
  /** Amounts per payer, in fen: 财政 (fiscal) and 发榜方配套 (issuer). */
  amounts: { fiscalFen: number; issuerFen: number; totalFen: number };
  activatedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface SignatureView {
  party: SigningParty;
  userId: string;
  organizationId: string | null;
  taskBookVersion: number;
  signedAt: string;
}

export interface MilestoneReportView {
  id: string;
  attempt: number;
  summary: string;
  indicatorProgress: JsonValue;
  evidenceAttachmentIds: JsonValue;
  submittedBy: string;
  submittedAt: string;
  assessment: {
    id: string;
    outcome: MilestoneOutcome;
    opinion: string;
    issuerOpinion: string;
    assessedBy: string;
    assessedAt: string;
  } | null;
}

export interface MilestoneView {
  id: string;
  projectId: string;
  position: number;
  title: string;
  deliverables: string;
  dueMonth: number;
  sharePercent: number;
  dueAt: string | null;
  status: MilestoneStatus;
  overdueAt: string | null;
  reportsSubmitted: number;
  reports: MilestoneReportView[];
  version: number;
}

export interface ProjectView extends ProjectSummaryView {
  suspendedFrom: ProjectStatus | null;
  taskBook: JsonObject;
  signatures: SignatureView[];
  milestones: MilestoneView[];
}

export interface TaskBookVersionView {
  version: number;
  reason: string;
  changeRequestId: string | null;
  createdBy: string | null;
  createdAt: string;
  taskBook: JsonObject;
}

export interface ChangeRequestView {
  id: string;
  projectId: string;
  kind: ChangeRequestKind;
  milestoneId: string | null;
  payload: JsonObject;
  reason: string;
  status: ChangeRequestStatus;
  requestedBy: string;
  decisionReason: string | null;
  issuerOpinion: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  taskBookVersion: number | null;
  createdAt: string;
  version: number;
}

export interface StageGateView {
  id: string;
  challengeId: string;
  milestonePosition: number;
  decisions: JsonValue;
  decidedBy: string;
  decidedAt: string;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function projectSummary(p: ProjectEntity): ProjectSummaryView {
  return {
    id: p.id,
    challengeId: p.challengeId,
    applicationId: p.applicationId,
    programId: p.programId,
    issuerOrganizationId: p.issuerOrganizationId,
    leadOrganizationId: p.leadOrganizationId,
    status: p.status,
    statusReason: p.statusReason,
    taskBookVersion: p.taskBookVersion,
    amounts: { fiscalFen: p.fiscalFen, issuerFen: p.issuerFen, totalFen: p.fiscalFen + p.issuerFen },
    activatedAt: iso(p.activatedAt),
    closedAt: iso(p.closedAt),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    version: p.version,
  };
}

export function milestoneView(
  m: ProjectMilestoneEntity,
  reports: MilestoneReportEntity[],
  assessments: MilestoneAssessmentEntity[],
): MilestoneView {
  return {
    id: m.id,
    projectId: m.projectId,
    position: m.position,
    title: m.title,
    deliverables: m.deliverables,
    dueMonth: m.dueMonth,
    sharePercent: m.sharePercent,
    dueAt: iso(m.dueAt),
    status: m.status,
    overdueAt: iso(m.overdueAt),
    reportsSubmitted: m.reportsSubmitted,
    reports: reports.map((r) => {
      const a = assessments.find((x) => x.reportId === r.id);
      return {
        id: r.id,
        attempt: r.attempt,
        summary: r.summary,
        indicatorProgress: r.indicatorProgress,
        evidenceAttachmentIds: r.evidenceAttachmentIds,
        submittedBy: r.submittedBy,
        submittedAt: r.submittedAt.toISOString(),
        assessment: a
          ? {
              id: a.id,
              outcome: a.outcome,
              opinion: a.opinion,
              issuerOpinion: a.issuerOpinion,
              assessedBy: a.assessedBy,
              assessedAt: a.assessedAt.toISOString(),
            }
          : null,
      };
    }),
    version: m.version,
  };
}

export function taskBookVersionView(v: TaskBookVersionEntity): TaskBookVersionView {
  return {
    version: v.version,
    reason: v.reason,
    changeRequestId: v.changeRequestId,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
    taskBook: v.taskBook,
  };
}

export function changeRequestView(r: ProjectChangeRequestEntity): ChangeRequestView {
  return {
    id: r.id,
    projectId: r.projectId,
    kind: r.kind,
    milestoneId: r.milestoneId,
    payload: r.payload,
    reason: r.reason,
    status: r.status,
    requestedBy: r.requestedBy,
    decisionReason: r.decisionReason,
    issuerOpinion: r.issuerOpinion,
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    taskBookVersion: r.taskBookVersion,
    createdAt: r.createdAt.toISOString(),
    version: r.version,
  };
}

export function stageGateView(g: StageGateEntity): StageGateView {
  return {
    id: g.id,
    challengeId: g.challengeId,
    milestonePosition: g.milestonePosition,
    decisions: g.decisions,
    decidedBy: g.decidedBy,
    decidedAt: g.decidedAt.toISOString(),
  };
}
