import { Controller, Get, Param, ParseUUIDPipe, Post, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { SendingHttpResponse } from '../../../infra/http/http-types';
import { Uncompressed } from '../../../infra/http/compression';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { AttachmentUploadInterceptor, UploadedAttachment } from './attachment-upload';
import type { UploadedAttachmentFile } from './attachment-upload';
import { AttachmentsService } from './attachments.service';
import { AttachmentResponseDto, UploadAttachmentDto } from './dto/attachment.dto';
import { NoIdempotencyKey } from '../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('attachments')
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @NoIdempotencyKey(
    'Multipart: the file is read after the key would be claimed, so the key could not cover it; a repeated upload leaves only an unreferenced attachment',
  )
  @Authenticated({ roles: ['issuer', 'applicant', 'admin'] })
  // Reads the multipart body after the guards: the one file part `file`, streamed into staging.
  @UseInterceptors(AttachmentUploadInterceptor)
  @Endpoint({
    summary: 'Upload a file for your organization (multipart/form-data, field `file`)',
    description:
      'Streamed to content-addressed storage. Refer to it by id from challenges and applications; only your organization and admins can read it.',
    errors: [
      { VALIDATION_FAILED: 'no file, or a field other than `file`' },
      { BAD_REQUEST: 'the multipart body is malformed, or carries more than one file' },
      'FORBIDDEN',
      { PAYLOAD_TOO_LARGE: 'larger than ATTACHMENT_MAX_BYTES' },
      {
        UNSUPPORTED_MEDIA_TYPE: 'a type not on the allow-list, or content that contradicts the declared type',
      },
    ],
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentDto })
  @ApiCreatedResponse({ type: AttachmentResponseDto })
  upload(
    @Auth() auth: Principal,
    @UploadedAttachment() file: UploadedAttachmentFile | undefined,
  ): Promise<AttachmentResponseDto> {
    return this.attachments.upload(auth, file?.upload);
  }

  @Get(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: "Read an attachment's metadata (its organization, or an admin)",
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: AttachmentResponseDto })
  get(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<AttachmentResponseDto> {
    return this.attachments.get(auth, id);
  }

  @Get(':id/content')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({ summary: 'Download an attachment (its organization, or an admin)', errors: ['NOT_FOUND'] })
  @Uncompressed()
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description:
      'The bytes, with the stored Content-Type and `Content-Disposition: attachment; ' +
      "filename*=UTF-8''…` (RFC 6266)",
    schema: { type: 'string', format: 'binary' },
  })
  download(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res() res: SendingHttpResponse,
  ): Promise<void> {
    return this.attachments.download(auth, id, res);
  }
}
