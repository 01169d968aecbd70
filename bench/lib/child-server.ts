/** A server under test in a child process: it prints `{"url": …}` once listening and exits when its stdin closes. */
import { spawn } from 'node:child_process';

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  /** Closes its stdin and waits for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export interface ChildOptions {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Spawns the server and resolves once it printed its URL; rejects with its stderr if it exits first or takes too long. */
export function startChildServer(options: ChildOptions): Promise<ChildServer> {
  const { label, timeoutMs = 60_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: not listening after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label}: exited with ${code} before listening\n${stderr.trim()}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      const pid = child.pid;
      let stopping = false;
      child.once('exit', (code, signal) => {
        if (!stopping) process.stderr.write(`${label}: exited unexpectedly (${signal ?? code})\n${stderr.trim()}\n`);
      });
      resolve({
        url,
        pid,
        async stop() {
          stopping = true;
          child.stdin.end();
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
