import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { clientErrorResponse, installClientErrorHandler } from './client-error';

const error = (code: string) => Object.assign(new Error(code), { code });

/** A socket double: records what is written and whether it was destroyed. */
function fakeSocket(state: { writable?: boolean; headersSent?: boolean } = {}) {
  const socket = Object.assign(new EventEmitter(), {
    writable: state.writable ?? true,
    _httpMessage: state.headersSent === undefined ? undefined : { headersSent: state.headersSent },
    written: [] as string[],
    destroyed: false,
    end(data: string) {
      socket.written.push(data);
    },
    destroy() {
      socket.destroyed = true;
    },
  });
  return socket;
}

function serverWithHandler(): EventEmitter {
  const server = new EventEmitter();
  installClientErrorHandler(server as unknown as Server);
  return server;
}

describe('clientErrorResponse', () => {
  it('answers header overflow with a 431 problem+json and closes', () => {
    const raw = clientErrorResponse(error('HPE_HEADER_OVERFLOW'));
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('Content-Type: application/problem+json');
    expect(head).toContain('Connection: close');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    const problem = JSON.parse(body) as { code: string; status: number; requestId: string };
    expect(problem).toMatchObject({ status: 431, code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' });
    expect(head).toContain(`X-Request-Id: ${problem.requestId}`);
  });

  it('answers any other parse error with 400 BAD_REQUEST, and keeps Node’s bare 408 for timeouts', () => {
    const raw = clientErrorResponse(error('HPE_INVALID_METHOD'));
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(raw.split('\r\n\r\n')[1])).toMatchObject({ code: 'BAD_REQUEST' });
    expect(clientErrorResponse(error('ERR_HTTP_REQUEST_TIMEOUT'))).toBe(
      'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
    );
  });
});

describe('installClientErrorHandler', () => {
  it('writes the answer once per socket, however often the parser reports', () => {
    const server = serverWithHandler();
    const socket = fakeSocket();
    server.emit('clientError', error('HPE_HEADER_OVERFLOW'), socket);
    server.emit('clientError', error('HPE_HEADER_OVERFLOW'), socket);
    expect(socket.written).toHaveLength(1);
    expect(socket.written[0]).toMatch(/^HTTP\/1\.1 431 /);
    socket.emit('close');
  });

  it.each([
    ['a reset connection', error('ECONNRESET'), {}],
    ['an unwritable socket', error('HPE_INVALID_METHOD'), { writable: false }],
    ['a response already under way', error('HPE_INVALID_METHOD'), { headersSent: true }],
  ])('only closes %s, writing nothing', (_label, err, state) => {
    const server = serverWithHandler();
    const socket = fakeSocket(state);
    server.emit('clientError', err, socket);
    expect(socket.written).toEqual([]);
    expect(socket.destroyed).toBe(true);
  });
});
