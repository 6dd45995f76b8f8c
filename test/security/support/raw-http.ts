import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 spoken by hand over a socket, for what fetch cannot send: headers without
 * a body, a body trickled byte by byte, chunks past a limit, headers that never end.
 * Resolves when the server closes the connection (or after `giveUpMs`), with the
 * response as far as it came and whether the server closed it.
 */
export interface RawAnswer {
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  closedByServer: boolean;
  elapsedMs: number;
}

export function rawExchange(
  url: string,
  talk: (socket: Socket, answered: () => boolean) => Promise<void> | void,
  giveUpMs = 10_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        ...parse(Buffer.concat(chunks).toString('utf8')),
        closedByServer,
        elapsedMs: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // Writing after the server closed fails: that is the server doing its job.
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      Promise.resolve(talk(socket, () => chunks.length > 0 || done)).catch(() => finish(true));
    });
  });
}

/** Writes `piece` every `everyMs` until the server answers or closes, or `times` pieces were written. */
export async function trickle(
  socket: Socket,
  answered: () => boolean,
  piece: string | Buffer,
  everyMs: number,
  times = Infinity,
): Promise<void> {
  for (let i = 0; i < times && !answered() && !socket.destroyed; i++) {
    socket.write(piece);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function parse(raw: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const end = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/') || end < 0) return { status: undefined, headers: {}, body: raw };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  let body = raw.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

function dechunk(text: string): string {
  let out = '';
  for (let at = 0; at < text.length;) {
    const eol = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, eol), 16);
    if (!size) break;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
  return out;
}
