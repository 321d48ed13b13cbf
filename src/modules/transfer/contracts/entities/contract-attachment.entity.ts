import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AttachmentEntity } from '../../../platform/attachments/entities/attachment.entity';
import { TechnologyContractEntity } from './technology-contract.entity';

/** A file of a contract record (the signed contract, its annexes), uploaded by the filing party. */
@Entity('technology_contract_attachments')
@Index('ix_technology_contract_attachments_attachment', ['attachmentId'])
export class ContractAttachmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  contractId: string;

  @PrimaryColumn({ type: 'uuid' })
  attachmentId: string;

  @ManyToOne(() => TechnologyContractEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'contract_id',
    foreignKeyConstraintName: 'fk_technology_contract_attachments_contract',
  })
  contract?: TechnologyContractEntity;

  @ManyToOne(() => AttachmentEntity)
  @JoinColumn({
    name: 'attachment_id',
    foreignKeyConstraintName: 'fk_technology_contract_attachments_attachment',
  })
  attachment?: AttachmentEntity;

  @Column({ type: 'integer' })
  position: number;
}
