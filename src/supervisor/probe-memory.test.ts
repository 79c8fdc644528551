import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeMemory, parseProbeMemory } from './probe-memory.js';

const id = (n: number) => String(n).repeat(64);

describe('probe memory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps only well-formed states of container ids', () => {
    const text = JSON.stringify({
      [id(1)]: { started: true, ready: true },
      [id(2)]: { started: true, ready: 'yes' },
      short: { started: true, ready: true },
      [id(3)]: null,
    });
    expect(parseProbeMemory(text)).toEqual({ [id(1)]: { started: true, ready: true } });
    expect(parseProbeMemory('{"half')).toEqual({});
    expect(parseProbeMemory('[1]')).toEqual({});
  });

  it('writes whole files only when the states change, and removes the file when none is left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-memory-'));
    dirs.push(dir);
    const path = join(dir, 'supervisor.probes.json');
    const memory = new ProbeMemory(path);
    expect(memory.read()).toEqual({});
    const states = { [id(1)]: { started: true, ready: false } };
    memory.write(states);
    expect(new ProbeMemory(path).read()).toEqual(states);
    rmSync(path);
    memory.write(states); // unchanged: not written again
    expect(readdirSync(dir)).toEqual([]);
    memory.write({ [id(1)]: { started: true, ready: true } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      [id(1)]: { started: true, ready: true },
    });
    memory.write({});
    expect(readdirSync(dir)).toEqual([]);
  });
});
