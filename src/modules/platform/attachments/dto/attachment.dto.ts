import { ApiProperty } from '@nestjs/swagger';
import { AttachmentEntity } from '../entities/attachment.entity';
import { EXAMPLE_IDS, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

/** The multipart body of `POST /attachments`, for the OpenAPI document. */
export class UploadAttachmentDto {
  @ApiProperty({
    example: '%PDF-1.7 …',
    type: 'string',
    format: 'binary',
    description:
      'The file. Its part must declare an allowed Content-Type (see ATTACHMENT_ALLOWED_TYPES) that ' +
      'its leading bytes confirm; text/plain must be UTF-8 without NUL bytes. The file name (UTF-8) ' +
      'is kept without path or control characters, at most 255 characters. At most ATTACHMENT_MAX_BYTES ' +
      'bytes (default 20 MiB; the configuration allows up to 2 GiB, the maxLength here).',
    maxLength: 2 * 1024 ** 3,
  })
  file: unknown;
}

export class AttachmentResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.attachment, format: 'uuid' }) id: string;
  @ApiProperty({ example: '项目申报书.pdf' }) filename: string;
  @ApiProperty({ example: 'application/pdf' }) contentType: string;
  @ApiProperty({ example: 482133 }) sizeBytes: number;
  @ApiProperty({
    example: EXAMPLE_TEXT.sha256,
    description: 'Lower-case hex SHA-256 of the content',
    pattern: '^[0-9a-f]{64}$',
  })
  sha256: string;
  @ApiProperty({ example: '2027-04-18T03:20:00.000Z', format: 'date-time' }) createdAt: string;
}

export function toAttachmentResponse(attachment: AttachmentEntity): AttachmentResponseDto {
  return {
    id: attachment.id,
    filename: attachment.filename,
    contentType: attachment.contentType,
    sizeBytes: Number(attachment.sizeBytes),
    sha256: attachment.sha256,
    createdAt: attachment.createdAt.toISOString(),
  };
}
