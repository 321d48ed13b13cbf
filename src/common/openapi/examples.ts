/**
 * Example values for the OpenAPI document (`example:` of @ApiProperty), shared so that one story
 * reads through every schema: the id of the challenge in an application is the id of the challenge itself, a project
 * pays the milestone it has, and so on. Documentation only: nothing at run time reads them.
 *
 * The story: an issuer publishes the challenge JB-2027-0001 (高温超导带材低成本制备关键技术) in the
 * Nanchang 2027 program; a team led by 江西某新材料有限公司 with a university partner applications, is
 * reviewed, selected and publicized; the project is signed, paid by tranches and accepted.
 */

import { EXAMPLE_REQUEST_ID } from '../errors/problem';

/** Ids (UUID v4), one per kind of record. */
export const EXAMPLE_IDS = {
  /** An invitation by e-mail link (ADR 0045). */
  invitation: '0b7c2a4e-93f1-4d8e-a6b5-2f1c9d3e7a40',
  program: '5bf42158-7856-4ad5-aa7d-2e03b8e33735',
  challenge: '70071921-8393-4e3d-b71b-e959e32946c4',
  indicator: '7eb8d87a-19de-420b-9a6a-cd9de8cbba5b',
  /** A result of the results library (成果库, ADR 0059) and one of its utilisation reports. */
  result: '3c1f8f0e-2f6b-4d0a-9f0e-6b1d2a4c8e71',
  utilisationReport: 'b5b0e3f4-1f7e-4a43-9c7b-2d8c0f6a1e22',
  amendment: '1dfcb34d-559f-40e7-8f63-975169951174',
  /** An attachment of the challenge (its requirements document). */
  listAttachment: 'ff9d93c5-f516-4c35-b435-98cfd2c5eb85',
  /** An attachment of the application (项目申报书.pdf). */
  attachment: '7293b715-f797-4ea9-becf-34aa9164949d',
  /** Evidence attached to a milestone report or an acceptance request. */
  evidenceAttachment: 'a51f706c-8eed-46f4-a02e-c3ccb64d268b',
  /** The issuer (发榜方) of the challenge. */
  issuerOrganization: '4ae922f9-34c1-4df8-bc7d-debe1c8cf89e',
  /** The lead organization of the applicant team (揭榜方). */
  leadOrganization: '034001e5-61a8-4938-a27a-f7e6e0aa8989',
  /** A consortium member (联合体成员) of the team. */
  partnerOrganization: '9cd6f77d-eb53-4d51-9b36-50be388d3a26',
  /** The organization the expert works for. */
  expertOrganization: '5464ed38-232e-4729-8f27-d8c2453e396c',
  /** The group the lead organization belongs to (its parent organization). */
  parentOrganization: 'faad1c6f-5d12-4b18-84cd-1f9d8a6efd5f',
  /** The bureau that runs the platform: the admins' organization; its portal integrates by API key. */
  platformOrganization: '18b38ee3-59aa-4a43-b83d-606dab6be512',
  admin: 'd82ae59a-cbcf-40db-bd4d-5f43b92f16a4',
  issuerUser: '7c07e2fc-307f-4b8d-8bf1-37af434473eb',
  /** The team leader (挂帅者), a user of the lead organization. */
  leader: 'fe4f7491-d13a-4e0c-a664-599857270da4',
  /** A team member with an account, of the consortium member. */
  member: 'ab6836db-e580-4bd1-b5b1-8243c3dcf143',
  expertUser: '9ab96112-c48c-4e60-b1d0-757cd0b9c1cf',
  team: 'a4c4713e-fed8-4802-a15f-7b9fbbb0a161',
  application: '8bc5fbdb-9847-4a21-8bc8-afd9b0136012',
  expert: '3fc48ec0-34e8-4796-a2b6-11d3f266ee59',
  reviewPanel: '156bc2be-5767-4b7a-a3a1-0edc3291d927',
  panelMember: '4fddad36-5a86-45f7-afc3-0cf13292e80d',
  /** The reserve expert who replaced a panel member. */
  reserveMember: 'f6b2b69b-23bd-4eaa-916f-154b275039bd',
  reviewAssignment: 'f30ba799-06e7-437d-9306-060113164da4',
  /** Another expert's assignment, whose total is an outlier. */
  outlierAssignment: '2a62681c-1b7e-4443-b3aa-270872175c09',
  session: '1925fe57-a9a0-41e3-a24a-c45ddda5c182',
  selection: 'c2215099-e715-4728-bf7f-761c9f30dd1d',
  objection: '58e8d862-e402-42bd-a858-784190d6ad71',
  project: '6f1f6a1e-3b9f-4a5e-8f53-1f1a2b3c4d5e',
  milestone: '91a5da0f-170c-4d7d-8122-06c69f3753ed',
  milestoneReport: 'c6060322-a264-4569-93ef-2389331b9f6f',
  milestoneAssessment: '391d321b-2849-4f90-9885-ff0a321cfc25',
  changeRequest: 'd5a62c6a-bc3f-4790-83af-5077a9800b01',
  stageGate: 'c9f5c475-123d-4a55-b1d3-262924a4b61d',
  payment: '1c373a72-6531-4d29-a6c2-fbf8a53706ee',
  acceptance: 'cd5e9991-14cb-4f45-aaec-61fa5225eb06',
  /** A technology contract record (技术合同登记), its result and need, and its broker (a user). */
  technologyContract: '9c3e5a71-2b4d-4f6e-8a1c-5d7e9f0b2c43',
  contractResult: 'b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d10',
  contractNeed: 'e1f3a5c7-9b2d-4e6f-8a0c-2d4f6a8c0e12',
  contractBroker: 'c4e6a8b0-2d4f-4a6c-8e0a-4f6b8d0c2e14',
  /** An acceptance panel member (also the id of the expert's acceptance assignment). */
  acceptanceMember: 'cb75f871-1d06-44af-b1c0-c8538e58372c',
  /** The reserve who replaced an acceptance panel member. */
  acceptanceReserve: '4feb95df-ff1a-483a-9965-8a3f8d2e0cca',
  apiKey: 'bddd390f-48b5-49fa-b63d-b2b3ac45e0f2',
  webhook: 'fc58d492-99b8-484c-a1eb-483b498fd06a',
  webhookDelivery: '8dde3531-3e64-4112-a1eb-d9d85a872ade',
  webhookEvent: '7e4a8968-bc18-4746-9e12-53edfb1fb084',
  notification: 'f3ebef03-0271-426d-819c-b6903313f95c',
  auditEvent: '8f45edd8-3fbb-4695-b5f6-41cc8ad2ae14',
  integrityRecord: 'a6ed5b61-d55c-424d-a536-f2bbfa2dd1ac',
  /** An enterprise's need in the industry-demand library (ADR 0058). */
  need: '0bfa69a4-144f-4382-a700-b30822dbf422',
  /** The service centre (服务中心) a need is routed to. */
  serviceCentre: '9627ce52-e5ed-44b1-be56-6614df041db2',
  /** A technology broker's profile, and the broker's user. */
  brokerProfile: '9025c8e2-a2e3-441c-8ff3-fcebb130330d',
  brokerUser: '82a19e14-a617-4564-bbc2-36863323cb68',
  needRoute: '1a6f4d09-9fd7-4dae-8906-ab039eb2de4b',
  needInterest: '7f38ee85-d619-4e18-b4d2-dbad4a946af0',
  /** A broker's label on a suggested match (ADR 0060 "Wiring"). */
  matchLabel: '9d2b7f3a-5c1e-4e8b-a6d4-2f0c8b1e7a35',
  needIntroduction: 'f78852cd-5bc0-422a-8b8f-52f93d428d25',
  /** An X-Request-Id the platform generated. */
  request: EXAMPLE_REQUEST_ID,
} as const;

/** Instants (UTC, as the API answers them) along the story, in order. */
export const EXAMPLE_TIMES = {
  /** A record's creation (the program, the challenge's draft, an account). */
  created: '2027-01-05T02:00:00.000Z',
  /** A record's last change. */
  updated: '2027-02-26T08:30:00.000Z',
  published: '2027-02-28T02:00:00.000Z',
  /** Applications open: 09:00 in Asia/Shanghai. */
  opens: '2027-03-01T01:00:00.000Z',
  /** The application is submitted. */
  submitted: '2027-04-20T06:30:00.000Z',
  /** Applications close: 17:00 in Asia/Shanghai. */
  closes: '2027-04-30T09:00:00.000Z',
  formalChecked: '2027-05-06T02:00:00.000Z',
  /** The review panel is drawn. */
  drawn: '2027-05-10T02:00:00.000Z',
  /** An expert submits the scores. */
  scored: '2027-05-18T07:00:00.000Z',
  /** The panel's scores are due: 24:00 Asia/Shanghai of the tenth working day after the draw. */
  reviewDue: '2027-05-24T16:00:00.000Z',
  /** The review closes and the ranking is final. */
  reviewClosed: '2027-05-25T02:00:00.000Z',
  publicityStarts: '2027-06-01T02:00:00.000Z',
  /** 24:00 Asia/Shanghai of the fifth working day after the selection (the first instant after publicity). */
  publicityEnds: '2027-06-08T16:00:00.000Z',
  /** The third signature of the task book: the project starts. */
  activated: '2027-06-20T02:00:00.000Z',
  /** The first milestone is due: the end of the Asia/Shanghai day, six months after activation. */
  milestoneDue: '2027-12-20T15:59:59.999Z',
  /** The final acceptance is requested. */
  acceptanceRequested: '2029-06-25T02:00:00.000Z',
  acceptanceDecided: '2029-08-15T02:00:00.000Z',
} as const;

/** Names and texts that recur across schemas. */
export const EXAMPLE_TEXT = {
  challengeCode: 'JB-2027-0001',
  challengeTitle: '高温超导带材低成本制备关键技术',
  programName: '南昌市2027年关键技术揭榜挂帅',
  issuerOrganization: '南昌某电缆集团有限公司',
  leadOrganization: '江西某新材料有限公司',
  partnerOrganization: '南昌某大学',
  expertOrganization: '江西某电力科学研究院',
  teamName: '高温超导电缆攻关团队',
  leaderName: '李明',
  expertName: '王建国',
  indicatorName: '超导带材临界电流',
  /** Lower-case hex SHA-256 of an attachment's content. */
  sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b',
} as const;

/** Amounts in fen (1/100 yuan) of the challenge and its project: ¥30,000,000.00 fiscal + ¥10,000,000.00 issuer. */
export const EXAMPLE_FEN = {
  fiscal: 3_000_000_000,
  cofunding: 1_000_000_000,
  total: 4_000_000_000,
} as const;
