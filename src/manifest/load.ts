// Reads manifest sources (files, directories, stdin) and parses them as one run, so
// errors from every file are reported together and references may cross files.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { collectManifests } from './parse.js';
import { IssueList } from './report.js';
import { completeManifestSet, emptyManifestSet } from './set-checks.js';
import type { LoadOptions, ManifestSet } from './types.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** `-` reads standard input; a directory contributes its *.yaml, *.yml and *.json files. */
export async function loadManifests(sources: string[], options: LoadOptions): Promise<ManifestSet> {
  const issues = new IssueList();
  const set = emptyManifestSet();
  for (const source of sources) {
    let files: Array<{ name: string; text: string }>;
    try {
      files = await readSource(source);
    } catch (error) {
      issues.add('error', {
        location: { file: source, line: 0, column: 0 }, // the whole file
        path: [],
        message: describeReadError(error),
      });
      continue;
    }
    for (const { name, text } of files) collectManifests(text, name, options, set, issues);
  }
  return completeManifestSet(set, issues);
}

async function readSource(source: string): Promise<Array<{ name: string; text: string }>> {
  if (source === '-') return [{ name: '<stdin>', text: await readStdin() }];
  if ((await stat(source)).isDirectory()) {
    // Sorted, so a directory applies in the same order on every machine.
    const names = (await readdir(source, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && MANIFEST_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
    return Promise.all(
      names.map(async (name) => {
        const file = join(source, name);
        return { name: file, text: await readFile(file, 'utf8') };
      }),
    );
  }
  return [{ name: source, text: await readFile(source, 'utf8') }];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return `cannot read: ${(error as Error).message}`;
}
