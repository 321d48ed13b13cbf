import { JsonObject } from '../../../common/json';
import { PanelMemberStatus, SEATED_MEMBER_STATUSES } from './panel-member.machine';

export type PanelRole = 'member' | 'reserve';

/**
 * A drawn expert's row, whichever table keeps it (`panel_members` for a review panel,
 * `acceptance_panel_members` for an acceptance panel). `S` is the status as the table stores it.
 */
export interface PanelSeat<S extends string = string> {
  id: string;
  expertId: string;
  role: PanelRole;
  position: number;
  status: S;
  statusReason: string | null;
  replacedBy: string | null;
  version: number;
  updatedAt: Date;
}

/**
 * How a table spells the member statuses of panel-member.machine.ts. An acceptance panel keeps each
 * member's work on its row and stores them as they are; a review panel keeps the work per application in
 * assignments and stores only the seat: `active` for a member on the panel, `replaced` for one that
 * left (ADR 0041).
 */
export interface StatusSpelling<S extends string> {
  read(stored: S): PanelMemberStatus;
  write(status: PanelMemberStatus): S;
}

export const AS_STORED: StatusSpelling<PanelMemberStatus> = { read: (s) => s, write: (s) => s };

/** A new row's fields from the draw: members in draw order, then reserves in draw order. */
export interface DrawnSeat {
  expertId: string;
  role: PanelRole;
  position: number;
  status: PanelMemberStatus;
}

/** The panel's size as drawn: its members, not its reserves (the program's setting may change since). */
export function drawnPanelSize(members: ReadonlyArray<{ role: PanelRole }>): number {
  return members.filter((m) => m.role === 'member').length;
}

export function isSeated<S extends string>(member: PanelSeat<S>, spelling: StatusSpelling<S>): boolean {
  return SEATED_MEMBER_STATUSES.includes(spelling.read(member.status));
}

/** What a replacement did, for the caller's audit event. */
export interface Replacement<T> {
  /** The reserve called to the panel, or null when none was left (the panel goes on short). */
  chosen: T | null;
  /** The reserves passed over for a conflict found when called. */
  skipped: JsonObject[];
}
