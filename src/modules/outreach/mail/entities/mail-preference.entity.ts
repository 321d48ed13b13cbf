import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../../platform/users/entities/user.entity';

/**
 * A user's e-mail preferences: the event kinds they do not want by e-mail (in-app notifications
 * are unaffected). No row means the defaults: every kind. The locale lives on `users.locale`.
 */
@Entity('mail_preferences')
export class MailPreferenceEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mail_preferences_user' })
  user?: UserEntity;

  /** Event kinds of the mail table (mail-templates.ts), sorted. */
  @Column({ type: 'text', array: true })
  emailOptOuts: string[];

  /** Served as the ETag of the preferences (0 before the first change). */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
