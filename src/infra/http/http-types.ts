/**
 * The little of a response the code outside src/infra/http touches, in a shape both Fastify's
 * reply and Express's response have: set a header, set the status. Controllers take it with
 * `@Res({ passthrough: true }) res: HttpResponse` and stay independent of the platform (ADR 0050).
 */
export interface HttpResponse {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
}

/** A response that sends a body itself (a route with `@Res()`, not passthrough): a stream or a buffer. */
export interface SendingHttpResponse extends HttpResponse {
  send(body: unknown): unknown;
}

/** What a route reads of its request besides its parameters. */
export interface HttpRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}
