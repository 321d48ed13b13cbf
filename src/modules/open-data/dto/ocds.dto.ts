import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/pagination';
import { ISO_INSTANT } from '../../challenges/dto/challenge-input.dto';

export class OcdsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: '2027-03-01T00:00:00+08:00',
    pattern: ISO_INSTANT.source,
    maxLength: 32,
    description:
      "Only lists whose public part changed at or after this time (an ISO-8601 time with an offset). Poll with the last page's " +
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
    nullable: true,
    type: String,
    format: 'uri',
    description: 'The next page (same since, the next cursor); null on the last page',
  })
  next: string | null;
}

/** One OCDS 1.1 release: the list's public lifecycle as of its last change. */
export class OcdsReleaseDto {
  @ApiProperty({
    example: 'ocds-jiebang-1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    description: 'OCDS_PREFIX + the list id: stable for the life of the list',
  })
  ocid: string;

  @ApiProperty({
    example: 'ocds-jiebang-1b4e28ba-2fa1-11d2-883f-0016d3cca427-20270301T020000.000000Z',
    description: 'ocid + the time of the change: unique per release, new whenever the public part changes',
  })
  id: string;

  @ApiProperty({ format: 'date-time', description: 'When the public part last changed' })
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
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: `Organization (${OCDS}#organization): the platform (procuringEntity, funder, payer of fiscal funds), the issuer (buyer, payer of co-funding, region) and the winning lead organizations (supplier, payee). Names only: no identifiers, addresses or contacts beyond the region.`,
  })
  parties: object[];

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The issuer: { id, name }' })
  buyer: object;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: `Tender (${OCDS}#tender): code, title, public summary, status, value (yuan, CNY, exact), tender period, industry chain and category, amendments (reasons only), numberOfTenderers once closed. Never the confidential details.`,
  })
  tender: object;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Bid extension: { statistics: [{ id, measure: "bids", value, date }] }, once the list has closed — counts only',
  })
  bids?: object;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: `Award (${OCDS}#award) per selected bid: pending in publicity, active once awarded (with value), cancelled when the selection was reopened or the list cancelled; suppliers: the lead organization`,
  })
  awards?: object[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: `Contract (${OCDS}#contract) per project (task book): status, value, period, dateSigned; implementation: milestones (code, due date, status, dateMet; no titles or deliverables) and paid tranches as transactions (payer, payee, value)`,
  })
  contracts?: object[];
}

/** `GET /open-data/ocds`: an OCDS 1.1 release package, one release per changed list, keyset-paged. */
export class OcdsReleasePackageDto {
  @ApiProperty({ format: 'uri', description: 'This request’s URL' })
  uri: string;

  @ApiProperty({ example: '1.1' })
  version: string;

  @ApiProperty({
    format: 'date-time',
    description: 'The latest release date in the page (the time of the request when the page is empty)',
  })
  publishedDate: string;

  @ApiProperty({ type: OcdsPublisherDto })
  publisher: OcdsPublisherDto;

  @ApiProperty({ type: [String], format: 'uri', description: 'The OCDS extensions used (bids)' })
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
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}
