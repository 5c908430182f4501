import { spawn } from 'node:child_process';

/**
 * Runs a command to its end, keeping its output; throws with the command's last lines when it
 * fails, so the reason (Maven's resolution error, Keycloak's build error) reaches the user.
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; what: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(error.code === 'ENOENT' ? `${options.what}: ${command} is not installed` : error.message),
      ),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve(output);
      reject(new Error(`${options.what} failed (${signal ?? `exit code ${code}`}):\n${lastLines(output)}`));
    });
  });
}

export function lastLines(text: string, count = 25): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
