import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface SmtpSink {
  port: number;
  /** The DATA of every accepted message, in order. */
  messages: string[];
  /** Stops listening and drops open connections: the SMTP server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port: the SMTP server is back. */
  restart(): Promise<void>;
}

/**
 * A minimal loopback SMTP server (RFC 5321 happy path) that keeps each message's DATA, so tests
 * exercise the real nodemailer transport. A recipient starting with `reject` gets a permanent 550,
 * one starting with `busy` a transient 450, as a real server would answer at RCPT TO.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(converse);
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  function converse(socket: Socket) {
    let buffer = '';
    let inData = false;
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 sink\r\n');
        else if (verb === 'RCPT' && /<reject/i.test(line)) socket.write('550 5.1.1 no such mailbox\r\n');
        else if (verb === 'RCPT' && /<busy/i.test(line))
          socket.write('450 4.2.1 mailbox busy, try later\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  }

  await listen();
  return {
    get port() {
      return port;
    },
    messages,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    restart: listen,
  };
}
