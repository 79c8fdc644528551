// Build the local images tests and examples use; nothing can be pulled here, so
// every image is built from files on this machine:
//   podrun-test/busybox:1  FROM scratch: Debian's static busybox with every applet
//                          linked in /bin, /etc/passwd+group (root, nobody, app 1000),
//                          /tmp 1777, and /bin/podtool (images/tools/podtool.c).
//   busybox:1.35           the same image, tagged ONLY if no image of that name exists
//                          (Debian's busybox is 1.35.0; a user's real busybox:1.35 is
//                          never overwritten; a tag we made earlier is refreshed).
//   podrun/pause:<version> via ensurePauseImage, so the first pod does not build it.
// Idempotent: an image whose content-hash label matches its inputs is left alone.
// Usage: npx tsx scripts/build-images.ts
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type Docker from 'dockerode';
import { type BuildFile, buildImage } from '../src/docker/build-image.js';
import { getDocker } from '../src/docker/client.js';
import { pruneReplacedPodrunImages } from '../src/docker/images.js';
import { CONTENT_HASH_LABEL, ensurePauseImage } from '../src/docker/pause-image.js';
import { imageLabels, Labels } from '../src/plan/labels.js';
import { PODRUN_VERSION } from '../src/version.js';

export const TEST_BUSYBOX = 'podrun-test/busybox:1';
export const PLAIN_BUSYBOX = 'busybox:1.35';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const PASSWD = `root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
app:x:1000:1000:app:/home/app:/bin/sh
`;
const GROUP = 'root:x:0:\nnobody:x:65534:\napp:x:1000:\n';

// One RUN (one layer, one intermediate container). Exec form: a scratch image has
// no /bin/sh until busybox installs it. /usr/bin and /sbin point at /bin so
// "#!/usr/bin/env sh" scripts and absolute paths from other images work.
const SETUP = [
  'set -e',
  '/bin/busybox --install -s /bin',
  'mkdir -p /tmp /root /home/app /usr /var/tmp',
  'chmod 1777 /tmp /var/tmp',
  'chown 1000:1000 /home/app',
  'ln -s ../bin /usr/bin && ln -s ../bin /usr/sbin && ln -s bin /sbin',
].join('; ');

const DOCKERFILE = `FROM scratch
COPY busybox podtool /bin/
COPY passwd group /etc/
RUN ["/bin/busybox", "sh", "-c", ${JSON.stringify(SETUP)}]
CMD ["sh"]
`;

/** Compile podtool statically when its binary is missing or older than the source. */
function buildPodtool(arch: string): Buffer {
  const source = root('images/tools/podtool.c');
  const out = root(`images/tools/bin/podtool-linux-${arch}`);
  const fresh = (() => {
    try {
      return statSync(out).mtimeMs > statSync(source).mtimeMs;
    } catch {
      return false;
    }
  })();
  if (!fresh) {
    mkdirSync(root('images/tools/bin'), { recursive: true });
    const cc = process.env.CC ?? 'gcc';
    try {
      execFileSync(cc, ['-static', '-Os', '-s', '-Wall', '-Wextra', '-o', `${out}.tmp`, source], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    } catch (error) {
      throw new Error(`compiling ${source} with ${cc} failed (${(error as Error).message})`);
    }
    renameSync(`${out}.tmp`, out);
  }
  return readFileSync(out);
}

/** True if the ELF binary has no program interpreter, i.e. runs in FROM scratch. */
function isStaticElf(binary: Buffer): boolean {
  if (binary.readUInt32BE(0) !== 0x7f454c46 || binary[4] !== 2) return false; // ELF64 only
  const phoff = Number(binary.readBigUInt64LE(0x20));
  const phentsize = binary.readUInt16LE(0x36);
  const phnum = binary.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (binary.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  }
  return true;
}

function readBusybox(): Buffer {
  const path = process.env.PODRUN_BUSYBOX ?? '/bin/busybox';
  let binary: Buffer;
  try {
    binary = readFileSync(realpathSync(path));
  } catch {
    throw new Error(`${path} not found: install Debian's busybox-static (or set PODRUN_BUSYBOX)`);
  }
  if (!isStaticElf(binary)) {
    throw new Error(`${path} is not statically linked: install busybox-static`);
  }
  return binary;
}

function contentHash(files: BuildFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.content).update('\0');
  return hash.digest('hex');
}

async function inspectOrUndefined(docker: Docker, ref: string) {
  try {
    return await docker.getImage(ref).inspect();
  } catch {
    return undefined;
  }
}

/**
 * Tag the fixture busybox (image id `busyboxId`) as `ref`, busybox:1.35 for the
 * examples, unless an image of that name exists that podrun did not build: a user's
 * real busybox is never overwritten; a tag podrun made earlier is refreshed. `ref`
 * is a parameter so the test can check this on a throwaway name. Returns what it did.
 */
export async function tagPlainBusybox(
  docker: Docker,
  busyboxId: string,
  ref: string = PLAIN_BUSYBOX,
): Promise<string> {
  const colon = ref.lastIndexOf(':');
  const [repo, tag] =
    colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  const existing = await inspectOrUndefined(docker, ref);
  if (existing?.Id === busyboxId) return 'up to date';
  if (existing && existing.Config?.Labels?.[Labels.role] !== 'image') {
    return `left alone (a ${ref} not built by podrun exists)`;
  }
  await docker.getImage(busyboxId).tag({ repo, tag });
  return existing ? 're-tagged' : 'tagged';
}

/** Build (or confirm) the fixture images; `log` gets one line per image. */
export async function buildFixtureImages(log: (line: string) => void = console.log) {
  const docker = await getDocker();
  const arch = (await docker.version()).Arch;
  const timed = async (name: string, work: () => Promise<string>) => {
    const start = performance.now();
    const outcome = await work();
    log(`${name}: ${outcome} (${Math.round(performance.now() - start)} ms)`);
  };

  let busyboxId = '';
  await timed(TEST_BUSYBOX, async () => {
    const files: BuildFile[] = [
      { path: 'Dockerfile', content: DOCKERFILE },
      { path: 'busybox', content: readBusybox(), mode: 0o755 },
      { path: 'podtool', content: buildPodtool(arch), mode: 0o755 },
      { path: 'passwd', content: PASSWD },
      { path: 'group', content: GROUP },
    ];
    // The labels are part of the content: changing them rebuilds the image.
    const hash = contentHash([
      ...files,
      { path: 'labels', content: JSON.stringify(imageLabels(PODRUN_VERSION)) },
    ]);
    const existing = await inspectOrUndefined(docker, TEST_BUSYBOX);
    if (existing?.Config?.Labels?.[CONTENT_HASH_LABEL] === hash) {
      busyboxId = existing.Id;
      return 'up to date';
    }
    const labels = { ...imageLabels(PODRUN_VERSION), [CONTENT_HASH_LABEL]: hash };
    busyboxId = await buildImage({ docker, tags: TEST_BUSYBOX, files, labels });
    return 'built';
  });

  await timed(PLAIN_BUSYBOX, () => tagPlainBusybox(docker, busyboxId));

  await timed(`pause image`, async () => `ready as ${await ensurePauseImage()}`);
  await pruneReplacedPodrunImages(docker);
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  buildFixtureImages().catch((error: unknown) => {
    console.error(`build-images: ${(error as Error).message}`);
    process.exit(1);
  });
}
