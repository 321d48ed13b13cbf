import { isDeepStrictEqual } from 'node:util';
import { JsonValue } from '../../../common/json';
import { eligibilityOf } from './challenge-content';
import type { AttachmentLink, IndicatorInput } from './challenges.repository';
import type { AmendableFieldsDto } from './dto/challenge-input.dto';
import type { AmendmentChange } from './entities/challenge-amendment.entity';
import type { ChallengeEntity } from './entities/challenge.entity';

const PUBLIC_FIELDS = [
  'title',
  'background',
  'publicSummary',
  'expectedOutcomes',
  'durationMonths',
  'eligibility',
] as const;

/** What an amendment compares against: the challenge's parts before it. */
export interface AmendedParts {
  indicators: IndicatorInput[];
  attachments: AttachmentLink[];
  confidentialDetails: string;
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as JsonValue;

/** The changed fields of an amendment; confidential ones say that they changed, never what to. */
export function amendmentDiff(
  challenge: ChallengeEntity,
  changes: AmendableFieldsDto,
  old: AmendedParts,
): AmendmentChange[] {
  const diff: AmendmentChange[] = [];
  const add = (field: string, before: unknown, after: unknown) => {
    if (!isDeepStrictEqual(json(before), json(after)))
      diff.push({ field, before: json(before), after: json(after) });
  };
  for (const field of PUBLIC_FIELDS) {
    if (changes[field] === undefined) continue;
    const after = field === 'eligibility' ? eligibilityOf(changes.eligibility) : changes[field];
    add(field, challenge[field], typeof after === 'string' ? after.trim() : after);
  }
  if (changes.opensAt !== undefined) add('opensAt', challenge.opensAt, new Date(changes.opensAt));
  if (changes.closesAt !== undefined) add('closesAt', challenge.closesAt, new Date(changes.closesAt));
  if (changes.indicators !== undefined) {
    add('indicators', indicatorShape(old.indicators), indicatorShape(changes.indicators));
  }
  if (changes.attachments !== undefined)
    diff.push(...attachmentChanges(old.attachments, changes.attachments));
  if (changes.confidentialDetails !== undefined && changes.confidentialDetails !== old.confidentialDetails) {
    diff.push({ field: 'confidentialDetails', confidential: true });
  }
  return diff;
}

function indicatorShape(list: IndicatorInput[]) {
  return list.map((i) => ({
    name: i.name.trim(),
    targetValue: i.targetValue.trim(),
    unit: i.unit.trim(),
    verificationMethod: i.verificationMethod.trim(),
  }));
}

/** Public attachments by id; confidential ones only say that they changed. */
function attachmentChanges(before: AttachmentLink[], after: AttachmentLink[]): AmendmentChange[] {
  const ofVisibility = (list: AttachmentLink[], v: string) =>
    list.filter((a) => a.visibility === v).map((a) => a.attachmentId);
  const changes: AmendmentChange[] = [];
  const [publicBefore, publicAfter] = [
    json(ofVisibility(before, 'public')),
    json(ofVisibility(after, 'public')),
  ];
  if (!isDeepStrictEqual(publicBefore, publicAfter)) {
    changes.push({ field: 'attachments', before: publicBefore, after: publicAfter });
  }
  if (!isDeepStrictEqual(ofVisibility(before, 'confidential'), ofVisibility(after, 'confidential'))) {
    changes.push({ field: 'confidentialAttachments', confidential: true });
  }
  return changes;
}
