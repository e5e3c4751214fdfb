/**
 * Sampling CPU profiles of a running Node process over its inspector (the DevTools protocol, as
 * `--cpu-prof` writes them), and what they say: time per frame and per layer of the stack.
 * The profile covers only the window between start and stop, so start-up and warm-up stay out.
 */

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

interface InspectorTarget {
  webSocketDebuggerUrl: string;
}

/** V8's sampling heap profile: a call tree whose nodes carry the bytes allocated by the frame itself. */
export interface HeapProfileNode {
  id: number;
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: HeapProfileNode[];
}

/** A DevTools-protocol session on a process started with `--inspect=127.0.0.1:<port>`. */
export interface ProfilerSession {
  start(samplingIntervalMicros: number): Promise<void>;
  stop(): Promise<CpuProfile>;
  /**
   * Samples allocations, including objects the young and old generation collections free again
   * (a request's garbage is what the sampling must see, not what survives it).
   */
  startAllocationSampling(samplingIntervalBytes: number): Promise<void>;
  stopAllocationSampling(): Promise<HeapProfileNode>;
  close(): void;
}

export async function connectProfiler(inspectorPort: number, timeoutMs = 10_000): Promise<ProfilerSession> {
  const listing = await fetch(`http://127.0.0.1:${inspectorPort}/json/list`, { signal: AbortSignal.timeout(timeoutMs) });
  const [target] = (await listing.json()) as InspectorTarget[];
  if (!target) throw new Error(`no inspector target on port ${inspectorPort}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the inspector did not accept the connection in time')), timeoutMs);
    socket.addEventListener('open', () => (clearTimeout(timer), resolve()), { once: true });
    socket.addEventListener('error', () => (clearTimeout(timer), reject(new Error('the inspector refused the connection'))), { once: true });
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const caller = message.id === undefined ? undefined : waiting.get(message.id);
    if (!caller) return;
    waiting.delete(message.id!);
    if (message.error) caller.reject(new Error(message.error.message));
    else caller.resolve(message.result);
  });
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => (waiting.delete(id), reject(new Error(`${method}: no answer from the inspector in ${timeoutMs} ms`))), timeoutMs);
      waiting.set(id, { resolve: (result) => (clearTimeout(timer), resolve(result)), reject: (error) => (clearTimeout(timer), reject(error)) });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async start(samplingIntervalMicros) {
      await call('Profiler.enable');
      await call('Profiler.setSamplingInterval', { interval: samplingIntervalMicros });
      await call('Profiler.start');
    },
    async stop() {
      const { profile } = (await call('Profiler.stop')) as { profile: CpuProfile };
      return profile;
    },
    async startAllocationSampling(samplingIntervalBytes) {
      await call('HeapProfiler.enable');
      await call('HeapProfiler.startSampling', { samplingInterval: samplingIntervalBytes, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    },
    async stopAllocationSampling() {
      const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: HeapProfileNode } };
      return profile.head;
    },
    close: () => socket.close(),
  };
}

/**
 * An allocation profile in a CPU profile's shape, bytes in place of microseconds (one "sample" per
 * node, weighted by the bytes the node allocated itself), so the same per-frame and per-layer sums
 * read it.
 */
export function allocationsAsProfile(head: HeapProfileNode): CpuProfile {
  const nodes: ProfileNode[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const pending = [head];
  for (let node = pending.pop(); node; node = pending.pop()) {
    nodes.push({ id: node.id, callFrame: node.callFrame, children: node.children.map((child) => child.id) });
    samples.push(node.id);
    timeDeltas.push(node.selfSize);
    pending.push(...node.children);
  }
  return { nodes, samples, timeDeltas, startTime: 0, endTime: 0 };
}

/**
 * A frame's file relative to the repository, a built file named as its source (the gateway bench
 * runs the built JavaScript; the layers name source folders). Line numbers stay the built file's.
 */
export function repositoryPathOf(url: string, repoRoot: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(`${repoRoot}/`, '')
    .replace(/^dist\/apps\/([^/]+)\/(.*)\.js$/, 'apps/$1/src/$2.ts')
    .replace(/^dist\/node_modules\/@chucar\/([^/]+)\/(.*)\.js$/, 'libs/$1/src/$2.ts')
    .replace(/^dist\/bench\/(.*)\.mjs$/, 'bench/$1.ts');
}

/** A frame as a person reads it: function, and the file (relative to the repository or a package) with its line. */
export function frameName(node: ProfileNode, repoRoot: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = repositoryPathOf(url, repoRoot).replace(/^.*node_modules\//, '');
  return file ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName || '(anonymous)';
}

/** Sampled time at each node itself (not its callees), in microseconds. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => self.set(nodeId, (self.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  return self;
}

/** Time the process was busy: every sample but the idle ones. */
export function busyMicros(profile: CpuProfile): number {
  const self = selfTimes(profile);
  return profile.nodes.reduce((sum, node) => sum + (node.callFrame.functionName === '(idle)' ? 0 : (self.get(node.id) ?? 0)), 0);
}

/** Self time summed by frame name, largest first, idle left out. */
export function topSelfFrames(profile: CpuProfile, repoRoot: string, count: number): { frame: string; micros: number }[] {
  const self = selfTimes(profile);
  const byFrame = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === '(idle)') continue;
    const name = frameName(node, repoRoot);
    byFrame.set(name, (byFrame.get(name) ?? 0) + (self.get(node.id) ?? 0));
  }
  return [...byFrame].map(([frame, micros]) => ({ frame, micros })).sort((a, b) => b.micros - a.micros).slice(0, count);
}

/**
 * A layer of the stack: the frames it owns. `match` sees each frame's file (package path or
 * repository path) and function name; a frame belongs to the first layer that matches it.
 */
export interface Layer {
  name: string;
  match(file: string, functionName: string): boolean;
}

/**
 * Time per layer, inclusive of what the layer's frames call that belongs to no earlier layer of
 * `layers` further down: each sample is charged to the innermost frame on its stack that a layer
 * claims (so Kysely's code called from a repository counts as the database client, not the domain).
 * Samples no layer claims are summed under `unclaimed`.
 */
export function timeByLayer(profile: CpuProfile, repoRoot: string, layers: readonly Layer[], unclaimed = 'other'): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const layerOfNode = new Map<number, string>();
  const owner = (nodeId: number): string => {
    const known = layerOfNode.get(nodeId);
    if (known !== undefined) return known;
    const node = nodes.get(nodeId)!;
    const file = repositoryPathOf(node.callFrame.url, repoRoot);
    const layer = layers.find((candidate) => candidate.match(file, node.callFrame.functionName));
    const up = parent.get(nodeId);
    const name = layer?.name ?? (up === undefined ? unclaimed : owner(up));
    layerOfNode.set(nodeId, name);
    return name;
  };
  const totals = new Map<string, number>();
  for (const [nodeId, micros] of selfTimes(profile)) {
    if (nodes.get(nodeId)!.callFrame.functionName === '(idle)') continue;
    const name = owner(nodeId);
    totals.set(name, (totals.get(name) ?? 0) + micros);
  }
  return totals;
}
