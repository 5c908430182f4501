/**
 * nginx (Debian's package) as the load balancer in front of a part's replicas, as an operator would
 * run it: round robin, X-Forwarded-For appended, the public Host kept. Run as a foreground process
 * with a generated configuration, pid file, error log and temp folders under a folder of the test,
 * listening on loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface BalancerOptions {
  /** Folder for the configuration, pid file, error log and nginx's temp files. */
  dir: string;
  /** Port the balancer answers on (127.0.0.1). */
  port: number;
  /** Replica ports (127.0.0.1), balanced round robin. */
  upstreams: number[];
  /**
   * One more port per upstream that always reaches that replica, with the same headers as the
   * balanced port: how a test lands a request on a chosen replica.
   */
  pinnedPorts?: number[];
  /** The Host the replicas are told (the public one); the client's own otherwise. */
  publicHost?: string;
}

export interface Balancer {
  readonly child: ChildProcess;
  stop(): Promise<void>;
  /** nginx's error log so far, for a failing test's message. */
  errorLog(): Promise<string>;
}

/** Whether Debian's nginx is installed (`.ci/run` installs it). */
export const NGINX = '/usr/sbin/nginx';

function configuration(options: BalancerOptions): string {
  const temp = (name: string) => join(options.dir, name);
  const host = options.publicHost ? `"${options.publicHost}"` : '$http_host';
  const proxy = (target: string) => `
      proxy_pass http://${target};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${host};
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      proxy_buffering off;`;
  const pinned = (options.pinnedPorts ?? []).map(
    (port, index) => `
    server {
      listen 127.0.0.1:${port};
      location / {${proxy(`127.0.0.1:${options.upstreams[index]}`)}
      }
    }`,
  );
  // As root, nginx would hand its workers to `nobody`, who cannot use the test's private folder.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  return `${user}worker_processes 1;
daemon off;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${temp('client-body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  client_max_body_size 1m;
  upstream replicas {
${options.upstreams.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=3s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${options.port};
    location / {${proxy('replicas')}
    }
  }${pinned.join('')}
}
`;
}

export async function startBalancer(options: BalancerOptions): Promise<Balancer> {
  await mkdir(options.dir, { recursive: true });
  const conf = join(options.dir, 'nginx.conf');
  await writeFile(conf, configuration(options));
  const child = spawn(NGINX, ['-p', options.dir, '-c', conf, '-e', join(options.dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errorLog = async () => {
    return stderr + (await readFile(join(options.dir, 'error.log'), 'utf8').catch(() => ''));
  };
  const deadline = Date.now() + 10_000;
  while (!(await listening(options.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start on ${options.port}: ${await errorLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    errorLog,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGQUIT'); // graceful: finishes the requests in flight
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
