import { ApiProperty } from '@nestjs/swagger';

/** Where things are: each link a path on this server. */
export class EntryPointLinks {
  @ApiProperty({ example: '/docs', description: 'The API documentation (Swagger UI), for a browser' })
  docs: string;

  @ApiProperty({ example: '/docs-json', description: 'This OpenAPI document' })
  openapi: string;

  @ApiProperty({ example: '/health/live' })
  liveness: string;

  @ApiProperty({ example: '/health/ready' })
  readiness: string;

  @ApiProperty({ example: '/api/v1/auth/login', description: 'POST e-mail and password for an access token' })
  login: string;

  @ApiProperty({
    example: '/api/v1/auth/login/mfa',
    description: 'POST the code of an authenticator: the second step of an enrolled person (ADR 0044)',
  })
  loginMfa: string;

  @ApiProperty({
    example: '/api/v1/auth/password-reset',
    description: 'POST an e-mail address for a reset link (ADR 0045)',
  })
  passwordReset: string;

  @ApiProperty({
    example: '/api/v1/invitations/accept',
    description: "POST an invitation's token and your password (ADR 0045)",
  })
  acceptInvitation: string;

  @ApiProperty({ example: '/api/v1/challenges' })
  challenges: string;

  @ApiProperty({ example: '/api/v1/programs' })
  programs: string;

  @ApiProperty({ example: '/api/v1/organizations' })
  organizations: string;

  @ApiProperty({ example: '/api/v1/projects' })
  projects: string;

  @ApiProperty({ example: '/api/v1/stats/overview', description: 'Public statistics' })
  stats: string;

  @ApiProperty({ example: '/api/v1/open-data/ocds', description: 'Public OCDS release packages' })
  openData: string;
}

export class EntryPointsResponse {
  @ApiProperty({ example: 'Jiebang Guashuai (揭榜挂帅) API' })
  name: string;

  @ApiProperty({ example: '1' })
  version: string;

  @ApiProperty({ type: EntryPointLinks })
  links: EntryPointLinks;
}
