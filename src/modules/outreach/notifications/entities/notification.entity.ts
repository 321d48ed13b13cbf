import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { JsonObject } from '../../../../common/json';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/** An in-app notification for one user. An event notifies a user at most once (user_id, event_id). */
@Entity('notifications')
@Unique('uq_notifications_user_event', ['userId', 'eventId'])
@Index('ix_notifications_user_created', ['userId', 'createdAt', 'id'])
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_notifications_user' })
  user?: UserEntity;

  /** The rule that made it, e.g. `organization.verified`. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  /** Ids for the client to link to (organization, challenge …). */
  @Column({ type: 'jsonb' })
  data: JsonObject;

  /** The outbox event it came from; null for notifications made otherwise. */
  @Column({ type: 'uuid', nullable: true })
  eventId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
