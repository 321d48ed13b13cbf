import type { Role } from '../../../common/auth/principal';
import type { OrganizationType } from '../../platform/organizations/organization-types';
import type { ExpertForConflicts } from './conflicts';
import type { ExpertEntity } from './entities/expert.entity';

/**
 * The shapes the expert pool's reads give, with no behaviour: the repository fills them, the
 * mappers and the panel draws (reviews, acceptance) read them. `DrawableExpert` is the part other
 * modules use: they import it from here (`import type`), not from the repository.
 */

/** An organization as an expert profile shows it. */
export interface ExpertOrganization {
  id: string;
  name: string;
  type: OrganizationType;
  regionCode: string;
}

export interface ExpertUser {
  id: string;
  displayName: string;
  organizationId: string;
  enabled: boolean;
}

export interface CollaborationPart {
  organization: ExpertOrganization;
  description: string;
  fromYear: number;
  toYear: number | null;
}

/** An expert with its user and affiliation organization: a listing's item. */
export interface ExpertHead {
  expert: ExpertEntity;
  user: ExpertUser;
  affiliationOrganization: ExpertOrganization;
}

/** An expert with everything a reader needs: user, affiliation organization, collaborations. */
export interface ExpertWithParts extends ExpertHead {
  collaborations: CollaborationPart[];
}

/**
 * An expert as the panel draw and the declaration read it: what the conflict rules need, the
 * profile's id, the affiliation's type (the panel's minimum share of enterprise experts) and the
 * keywords of its fields of expertise (the overlap with the list, ADR 0060).
 */
export type DrawableExpert = ExpertForConflicts & {
  expertId: string;
  affiliationType: OrganizationType;
  keywords: string[];
};

export interface CollaborationInput {
  organizationId: string;
  description: string;
  fromYear: number;
  toYear?: number | null;
}

/** A user as the profile's account is checked: exists, enabled, has the expert role. */
export interface ProfileUser {
  id: string;
  organizationId: string;
  enabled: boolean;
  roles: Role[];
}
