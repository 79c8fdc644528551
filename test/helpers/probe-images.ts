// Images for the probe tests that podrun's fixtures do not have, built on this
// machine (no registry is reachable here):
//  - an upstream-style pause image: a static /pause that pauses, reaps, exits 0 on
//    SIGTERM and answers only `-v` (like registry.k8s.io/pause: `--version` makes
//    it pause too), so it has no prober and podrun must probe from the host;
//  - a TLS server image: the host's `openssl s_server -www` with the shared
//    libraries it links, FROM scratch (Debian ships no static TLS server; busybox
//    httpd has no TLS), and a self-signed certificate made by the host's openssl.
// Both are labelled with the suite's test label and removed by EngineTracker.cleanup.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../../src/docker/build-image.js';
import { type EngineTracker, uniqueName } from './engine.js';

// Written for these tests (behaviour of the upstream pause, not its code).
const UPSTREAM_STYLE_PAUSE_C = `#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) { (void)sig; _exit(0); }
static void on_child(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) { puts("pause.c upstream-style"); return 0; }
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  signal(SIGCHLD, on_child);
  for (;;) pause();
}
`;

/** Build an upstream-style pause image (no prober); returns its tag. */
export async function buildUpstreamStylePause(engine: EngineTracker): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'podrun-upstream-pause-'));
  try {
    writeFileSync(join(dir, 'pause.c'), UPSTREAM_STYLE_PAUSE_C);
    execFileSync(process.env.CC ?? 'gcc', ['-static', '-Os', '-s', '-o', 'pause', 'pause.c'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tag = `${uniqueName('podrun-test/upstream-pause')}:1`;
    engine.trackImage(tag);
    await buildImage({
      tags: tag,
      labels: engine.labels,
      files: [
        {
          path: 'Dockerfile',
          content: 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n',
        },
        { path: 'pause', content: readFileSync(join(dir, 'pause')), mode: 0o755 },
      ],
    });
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Build an image whose entrypoint serves HTTPS: `openssl s_server -www` answers
 * `GET /` with 200 and a status page. Args: the port. Returns its tag.
 */
export async function buildTlsServerImage(engine: EngineTracker): Promise<string> {
  const openssl = execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'podrun-tls-image-'));
  try {
    execFileSync(
      openssl,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=podrun-test',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    // The binary and every library ldd resolves (plus the loader), at their own paths.
    const libs = execFileSync('ldd', [openssl], { encoding: 'utf8' })
      .split('\n')
      .map((line) => /(\/\S+) \(0x/.exec(line)?.[1])
      .filter((path): path is string => path !== undefined);
    const files = [openssl, ...libs].map((path, i) => ({
      path: `f${i}`,
      content: readFileSync(path),
      mode: 0o755,
      target: path,
    }));
    const tag = `${uniqueName('podrun-test/tls-server')}:1`;
    engine.trackImage(tag);
    await buildImage({
      tags: tag,
      labels: engine.labels,
      files: [
        {
          path: 'Dockerfile',
          content: `FROM scratch
${files.map((f) => `COPY ${f.path} ${f.target}`).join('\n')}
COPY cert.pem key.pem /tls/
ENTRYPOINT ["${openssl}", "s_server", "-www", "-quiet", "-cert", "/tls/cert.pem", "-key", "/tls/key.pem", "-accept"]
`,
        },
        ...files.map(({ path, content, mode }) => ({ path, content, mode })),
        { path: 'cert.pem', content: readFileSync(join(dir, 'cert.pem')) },
        { path: 'key.pem', content: readFileSync(join(dir, 'key.pem')) },
      ],
    });
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
