import { MixedList } from 'typeorm';
import { AuditAndOutbox1763700000000 } from './1763700000000-AuditAndOutbox';
import { Identity1763700100000 } from './1763700100000-Identity';
import { EventsAndJobs1763700200000 } from './1763700200000-EventsAndJobs';
import { Idempotency1763700300000 } from './1763700300000-Idempotency';
import { TaxonomyAndPrograms1763700400000 } from './1763700400000-TaxonomyAndPrograms';
import { Attachments1763700500000 } from './1763700500000-Attachments';
import { Challenges1763700600000 } from './1763700600000-Challenges';
import { TeamsAndApplications1763700700000 } from './1763700700000-TeamsAndApplications';
import { Experts1763700800000 } from './1763700800000-Experts';
import { Review1763700900000 } from './1763700900000-Review';
import { Sessions1763701000000 } from './1763701000000-Sessions';
import { Selection1763701100000 } from './1763701100000-Selection';
import { Projects1763701200000 } from './1763701200000-Projects';
import { ProjectWork1763701250000 } from './1763701250000-ProjectWork';
import { Ledger1763701300000 } from './1763701300000-Ledger';
import { Acceptance1763701400000 } from './1763701400000-Acceptance';
import { Webhooks1763701500000 } from './1763701500000-Webhooks';
import { Mail1763701600000 } from './1763701600000-Mail';
import { Stats1763701700000 } from './1763701700000-Stats';
import { ReviewDue1763701800000 } from './1763701800000-ReviewDue';
import { DatabaseClock1763701810000 } from './1763701810000-DatabaseClock';
import { OfficialCalendar1763701960000 } from './1763701960000-OfficialCalendar';
import { PanelMemberVersion1763702140000 } from './1763702140000-PanelMemberVersion';
import { AuditChain1763702700000 } from './1763702700000-AuditChain';
import { OrganizationWebhooks1763702800000 } from './1763702800000-OrganizationWebhooks';
import { StoredBigrams1763702900000 } from './1763702900000-StoredBigrams';
import { DeadlineRetries1763703000000 } from './1763703000000-DeadlineRetries';
import { DemandLibrary1763703300000 } from './1763703300000-DemandLibrary';
import { SeparatedDuties1763702600000 } from './1763702600000-SeparatedDuties';
import { AccountLifecycle1763702400000 } from './1763702400000-AccountLifecycle';
import { TotpMfa1763702500000 } from './1763702500000-TotpMfa';
import { StatsSnapshots1763703100000 } from './1763703100000-StatsSnapshots';
import { TechnologyContracts1763703600000 } from './1763703600000-TechnologyContracts';
import { ResultsLibrary1763703400000 } from './1763703400000-ResultsLibrary';
import { MatchLabels1763703700000 } from './1763703700000-MatchLabels';
import { Retention1763704200000 } from './1763704200000-Retention';
import { TransferOpenData1763703800000 } from './1763703800000-TransferOpenData';
import { MatchIntroductions1763703900000 } from './1763703900000-MatchIntroductions';
import { MatchTerms1763703500000 } from './1763703500000-MatchTerms';
import { OutboxTraceparent1763704100000 } from './1763704100000-OutboxTraceparent';

/** Every migration, in order of its timestamp. Add a new one here when you commit it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [
  AuditAndOutbox1763700000000,
  Identity1763700100000,
  EventsAndJobs1763700200000,
  Idempotency1763700300000,
  TaxonomyAndPrograms1763700400000,
  Attachments1763700500000,
  Challenges1763700600000,
  TeamsAndApplications1763700700000,
  Experts1763700800000,
  Review1763700900000,
  Sessions1763701000000,
  Selection1763701100000,
  Projects1763701200000,
  ProjectWork1763701250000,
  Ledger1763701300000,
  Acceptance1763701400000,
  Webhooks1763701500000,
  Mail1763701600000,
  Stats1763701700000,
  ReviewDue1763701800000,
  DatabaseClock1763701810000,
  OfficialCalendar1763701960000,
  PanelMemberVersion1763702140000,
  AuditChain1763702700000,
  OrganizationWebhooks1763702800000,
  StoredBigrams1763702900000,
  DeadlineRetries1763703000000,
  SeparatedDuties1763702600000,
  AccountLifecycle1763702400000,
  TotpMfa1763702500000,
  StatsSnapshots1763703100000,
  DemandLibrary1763703300000,
  TechnologyContracts1763703600000,
  ResultsLibrary1763703400000,
  MatchTerms1763703500000,
  MatchLabels1763703700000,
  TransferOpenData1763703800000,
  MatchIntroductions1763703900000,
  OutboxTraceparent1763704100000,
  Retention1763704200000,
];
