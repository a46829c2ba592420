// Starts one sfn-codebuild-local process for a JS test file: 127.0.0.1, --port 0, a temp
// data dir, manual clock. Binary: $SCL_BINARY or <repo>/build/dev/server/sfn-codebuild-local.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..', '..');
export const BINARY = process.env.SCL_BINARY
  || path.join(REPO_ROOT, 'build', 'dev', 'server', 'sfn-codebuild-local');

const LISTEN_RE = /^sfn-codebuild-local listening on http:\/\/127\.0\.0\.1:(\d+)$/;
// Same patterns as SANITIZER_RE in ../emulator.py.
const SANITIZER_RE = new RegExp([
  /^(?:==\d+==\s*)?(?:ERROR|WARNING): (?:Address|Leak|Thread|UndefinedBehavior|Memory)Sanitizer/,
  /^SUMMARY: \w*Sanitizer/, /^\S+:\d+:\d+: runtime error: /].map((r) => r.source).join('|'), 'm');

export class Emulator {
  constructor({ clock = 'manual', extraArgs = [] } = {}) {
    this.clock = clock;
    this.extraArgs = extraArgs;
    this.stderr = '';
    this.exitCode = undefined;
  }

  async start(timeoutMs = 15000) {
    if (!existsSync(BINARY)) {
      throw new Error(`emulator binary not found at ${BINARY}; build it or set SCL_BINARY`);
    }
    this.dir = mkdtempSync(path.join(tmpdir(), 'scl-e2e-js-'));
    const args = ['--host', '127.0.0.1', '--port', '0', '--data-dir', this.dir,
      '--clock', this.clock, ...this.extraArgs];
    this.proc = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-20000);
    });
    const exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => {
      this.exitCode = code ?? signal;
      resolve();
    }));
    this.exited = exited;
    let stdout = '';
    this.port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in ${timeoutMs} ms\n${this.diagnostics()}`)), timeoutMs);
      this.proc.stdout.setEncoding('utf8');
      this.proc.stdout.on('data', (chunk) => {
        stdout += chunk;
        const nl = stdout.indexOf('\n');
        if (nl >= 0 && this.port === undefined) {
          clearTimeout(timer);
          const m = LISTEN_RE.exec(stdout.slice(0, nl).trimEnd());
          if (m) resolve(Number(m[1]));
          else reject(new Error(`unexpected first stdout line ${JSON.stringify(stdout.slice(0, nl))}\n${this.diagnostics()}`));
        }
      });
      exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`emulator exited during start-up\n${this.diagnostics()}`));
      });
    });
    this.endpoint = `http://127.0.0.1:${this.port}`;
    return this;
  }

  diagnostics() {
    return `binary: ${BINARY}\nexit: ${this.exitCode}\n--- stderr (tail) ---\n${this.stderr.slice(-6000)}`;
  }

  // SIGTERM and wait (SIGKILL after 10 s). Throws when the server did not exit with 0 or wrote a
  // sanitizer report (sanitizer builds: a leak report makes the exit code non-zero).
  async stop() {
    if (this.proc && this.exitCode === undefined) {
      this.proc.kill('SIGTERM');
      const killer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await this.exited;
      clearTimeout(killer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    if (this.proc && (this.exitCode !== 0 || SANITIZER_RE.test(this.stderr))) {
      throw new Error(`emulator did not shut down cleanly\n${this.diagnostics()}`);
    }
  }

  async control(method, route, payload) {
    if (this.exitCode !== undefined) throw new Error(`emulator died\n${this.diagnostics()}`);
    const res = await fetch(`${this.endpoint}/_emulator/${route}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async advance(seconds) {
    const { status, body } = await this.control('POST', 'clock/advance', { seconds });
    if (status !== 200) throw new Error(`clock/advance -> ${status} ${JSON.stringify(body)}`);
    return body.now;
  }
}
