import { describe, expect, it } from 'vitest';
import { planPod } from './plan-pod.js';
import { makeInput, podWith } from './testing.js';

function commandOf(container: Parameters<typeof podWith>[0]) {
  const create = planPod(makeInput(podWith(container))).containers[0]!.create;
  return { Entrypoint: create.Entrypoint, Cmd: create.Cmd };
}

describe('command and args (Kubernetes vs image ENTRYPOINT/CMD)', () => {
  it('command replaces the entrypoint and clears the image CMD', () => {
    expect(commandOf({ command: ['/app', '--serve'] })).toEqual({
      Entrypoint: ['/app', '--serve'],
      Cmd: [],
    });
  });

  it('command with args sets both', () => {
    expect(commandOf({ command: ['sh', '-c'], args: ['echo hi'] })).toEqual({
      Entrypoint: ['sh', '-c'],
      Cmd: ['echo hi'],
    });
  });

  it('args alone keep the image entrypoint', () => {
    expect(commandOf({ args: ['--port', '80'] })).toEqual({
      Entrypoint: undefined,
      Cmd: ['--port', '80'],
    });
  });

  it('neither keeps the image defaults', () => {
    expect(commandOf({})).toEqual({ Entrypoint: undefined, Cmd: undefined });
    expect(commandOf({ command: [], args: [] })).toEqual({ Entrypoint: undefined, Cmd: undefined });
  });

  it('expands $(VAR) from the final env, $$ escapes, unknown kept', () => {
    expect(
      commandOf({
        env: [{ name: 'GREETING', value: 'hello' }],
        command: ['echo', '$(GREETING)'],
        args: ['$(UNKNOWN)', '$$(GREETING)', '$$HOME'],
      }),
    ).toEqual({ Entrypoint: ['echo', 'hello'], Cmd: ['$(UNKNOWN)', '$(GREETING)', '$HOME'] });
  });
});
