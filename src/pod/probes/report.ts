// What the prober knows about running containers, keyed by container id: whether the
// startup probe has passed and whether the container is ready. The supervisor
// serves it over its socket, so `get pods` and `apply --wait` in another process
// see readiness without any state file.
export interface ContainerProbeState {
  started: boolean;
  ready: boolean;
}

export type ProbeReport = Record<string, ContainerProbeState>;
