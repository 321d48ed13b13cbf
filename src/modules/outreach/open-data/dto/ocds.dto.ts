import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { ISO_INSTANT } from '../../../call/challenges/dto/challenge-input.dto';
import { OCDS_EXTENSIONS } from '../ocds';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

export class OcdsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: '2027-03-01T00:00:00+08:00',
    pattern: ISO_INSTANT.source,
    maxLength: 32,
    description:
      "Only challenges whose public part changed at or after this time (an ISO-8601 time with an offset). Poll with the last page's " +
      'publishedDate minus a few minutes and keep the newest release per ocid: a change committed late may carry a slightly earlier time.',
  })
  @IsOptional()
  @MaxLength(32)
  @Matches(ISO_INSTANT, { message: 'since must be an ISO-8601 time with an offset' })
  since?: string;
}

const OCDS = 'https://standard.open-contracting.org/1.1/en/schema/reference/';

export class OcdsPublisherDto {
  @ApiProperty({ example: '揭榜挂帅平台', description: 'OCDS_PUBLISHER_NAME' })
  name: string;
}

export class OcdsLinksDto {
  @ApiProperty({
    example:
      'https://jiebang.example.cn/api/v1/open-data/ocds?limit=20&cursor=WyIyMDI3LTAzLTAxVDAyOjAwOjAwLjAwMDAwMFoiLCI3MDA3MTkyMS04MzkzLTRlM2QtYjcxYi1lOTU5ZTMyOTQ2YzQiXQ',
    nullable: true,
    type: String,
    format: 'uri',
    description: 'The next page (same since, the next cursor); null on the last page',
  })
  next: string | null;
}

/** One OCDS 1.1 release: the challenge's public lifecycle as of its last change. */
export class OcdsReleaseDto {
  @ApiProperty({
    example: 'ocds-jiebang-1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    description: 'OCDS_PREFIX + the challenge id: stable for the life of the challenge',
  })
  ocid: string;

  @ApiProperty({
    example: 'ocds-jiebang-1b4e28ba-2fa1-11d2-883f-0016d3cca427-20270301T020000.000000Z',
    description: 'ocid + the time of the change: unique per release, new whenever the public part changes',
  })
  id: string;

  @ApiProperty({
    example: '2027-03-01T02:00:00.000Z',
    format: 'date-time',
    description: 'When the public part last changed',
  })
  date: string;

  @ApiProperty({
    type: [String],
    example: ['tender', 'award', 'contract', 'implementation'],
    description:
      'The stages present: tender (tenderCancellation when cancelled or withdrawn), tenderAmendment, award ' +
      '(awardCancellation when every award was cancelled), contract, implementation, contractTermination',
  })
  tag: string[];

  @ApiProperty({ enum: ['tender'] })
  initiationType: string;

  @ApiProperty({ example: 'zh' })
  language: string;

  @ApiProperty({
    example: [
      { id: 'jiebang-platform', name: '揭榜挂帅平台', roles: ['procuringEntity', 'funder', 'payer'] },
      {
        id: EXAMPLE_IDS.issuerOrganization,
        name: EXAMPLE_TEXT.issuerOrganization,
        roles: ['buyer', 'payer'],
        address: { region: '360100', countryName: '中国' },
      },
      { id: EXAMPLE_IDS.leadOrganization, name: EXAMPLE_TEXT.leadOrganization, roles: ['supplier', 'payee'] },
    ],
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: `Organization (${OCDS}#organization): the platform (procuringEntity, funder, payer of fiscal funds), the issuer (buyer, payer of co-funding, region) and the winning lead organizations (supplier, payee). Names only: no identifiers, addresses or contacts beyond the region.`,
  })
  parties: object[];

  @ApiProperty({
    example: { id: EXAMPLE_IDS.issuerOrganization, name: EXAMPLE_TEXT.issuerOrganization },
    type: 'object',
    additionalProperties: true,
    description: 'The issuer: { id, name }',
  })
  buyer: object;

  @ApiProperty({
    example: {
      id: EXAMPLE_TEXT.challengeCode,
      title: EXAMPLE_TEXT.challengeTitle,
      description: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。',
      status: 'complete',
      procuringEntity: { id: 'jiebang-platform', name: '揭榜挂帅平台' },
      items: [
        {
          id: '1',
          description: EXAMPLE_TEXT.challengeTitle,
          classification: { scheme: 'x_jiebang_industry_chain', id: 'new_materials', description: '新材料' },
          additionalClassifications: [
            { scheme: 'x_jiebang_category', id: 'key_technology', description: '关键技术类' },
          ],
        },
      ],
      value: { amount: 40_000_000, currency: 'CNY' },
      procurementMethod: 'open',
      procurementMethodDetails: '揭榜挂帅（单一团队）',
      mainProcurementCategory: 'services',
      tenderPeriod: { startDate: EXAMPLE_TIMES.opens, endDate: EXAMPLE_TIMES.closes },
      numberOfTenderers: 3,
      amendments: [{ id: '1', date: '2027-03-15T02:00:00.000Z', rationale: '延长揭榜截止时间两周' }],
    },
    type: 'object',
    additionalProperties: true,
    description: `Tender (${OCDS}#tender): code, title, public summary, status, value (yuan, CNY, exact), tender period, industry chain and category, amendments (reasons only), numberOfTenderers once closed. Never the confidential details.`,
  })
  tender: object;

  @ApiPropertyOptional({
    example: { statistics: [{ id: '1', measure: 'bids', value: 3, date: EXAMPLE_TIMES.closes }] },
    type: 'object',
    additionalProperties: true,
    description:
      'Bid extension: { statistics: [{ id, measure: "bids", value, date }] }, once the challenge has closed — counts only',
  })
  bids?: object;

  @ApiPropertyOptional({
    example: [
      {
        id: `${EXAMPLE_IDS.selection}-${EXAMPLE_IDS.application}`,
        status: 'active',
        date: '2027-06-10T02:00:00.000Z',
        suppliers: [{ id: EXAMPLE_IDS.leadOrganization, name: EXAMPLE_TEXT.leadOrganization }],
        value: { amount: 40_000_000, currency: 'CNY' },
      },
    ],
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: `Award (${OCDS}#award) per selected application: pending in publicity, active once awarded (with value), cancelled when the selection was reopened or the challenge cancelled; suppliers: the lead organization`,
  })
  awards?: object[];

  @ApiPropertyOptional({
    example: [
      {
        id: EXAMPLE_IDS.project,
        awardID: `${EXAMPLE_IDS.selection}-${EXAMPLE_IDS.application}`,
        status: 'active',
        value: { amount: 40_000_000, currency: 'CNY' },
        period: { startDate: EXAMPLE_TIMES.activated, endDate: '2029-06-20T15:59:59.999Z' },
        dateSigned: EXAMPLE_TIMES.activated,
        implementation: {
          milestones: [
            {
              id: EXAMPLE_IDS.milestone,
              code: 'M1',
              type: 'delivery',
              status: 'met',
              dueDate: EXAMPLE_TIMES.milestoneDue,
              dateMet: '2027-12-28T02:00:00.000Z',
              dateModified: '2027-12-28T02:00:00.000Z',
            },
          ],
          transactions: [
            {
              id: EXAMPLE_IDS.payment,
              date: '2028-01-08T02:00:00.000Z',
              value: { amount: 4_500_000, currency: 'CNY' },
              payer: { id: 'jiebang-platform', name: '揭榜挂帅平台' },
              payee: { id: EXAMPLE_IDS.leadOrganization, name: EXAMPLE_TEXT.leadOrganization },
            },
          ],
        },
      },
    ],
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: `Contract (${OCDS}#contract) per project (task book): status, value, period, dateSigned; implementation: milestones (code, due date, status, dateMet; no titles or deliverables) and paid tranches as transactions (payer, payee, value)`,
  })
  contracts?: object[];
}

/** `GET /open-data/ocds`: an OCDS 1.1 release package, one release per changed challenge, keyset-paged. */
export class OcdsReleasePackageDto {
  @ApiProperty({
    example: 'https://jiebang.example.cn/api/v1/open-data/ocds?limit=20',
    format: 'uri',
    description: 'This request’s URL',
  })
  uri: string;

  @ApiProperty({ example: '1.1' })
  version: string;

  @ApiProperty({
    example: '2027-03-01T02:00:00.000Z',
    format: 'date-time',
    description: 'The latest release date in the page (the time of the request when the page is empty)',
  })
  publishedDate: string;

  @ApiProperty({ type: OcdsPublisherDto })
  publisher: OcdsPublisherDto;

  @ApiProperty({
    example: OCDS_EXTENSIONS,
    type: [String],
    format: 'uri',
    description: 'The OCDS extensions used (bids)',
  })
  extensions: string[];

  @ApiProperty({
    type: [OcdsReleaseDto],
    description:
      'Oldest change first. Empty when nothing changed since `since` (the OCDS schema wants at least one release: treat an empty page as "nothing new")',
  })
  releases: OcdsReleaseDto[];

  @ApiProperty({ type: OcdsLinksDto })
  links: OcdsLinksDto;

  @ApiProperty({
    example: 'WyIyMDI3LTAzLTAxVDAyOjAwOjAwLjAwMDAwMFoiLCI3MDA3MTkyMS04MzkzLTRlM2QtYjcxYi1lOTU5ZTMyOTQ2YzQiXQ',
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}
