import fs from 'node:fs';

/**
 * CPU time (user + system) a process has used so far, from Linux's /proc. CPU per request varies far
 * less than throughput on a machine that other work shares, so the bench reports both.
 */
export function cpuTimeMs(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in clock ticks (100 Hz).
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** What a benchmarked server process holds, read from the process itself (not from outside). */
export interface ProcessMemory {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** Memory outside the V8 heap that V8 knows of: Buffers, typed arrays. */
  externalMiB: number;
}

const mib = (bytes: number) => bytes / 1024 / 1024;

function metric(exposition: string, name: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (!line) throw new Error(`/metrics has no ${name}`);
  return Number(line.slice(name.length + 1).split(' ')[0]);
}

/** The gateway's own figures, from prom-client's default metrics on /metrics. */
export async function memoryFromMetrics(baseUrl: string): Promise<ProcessMemory> {
  const exposition = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return {
    rssMiB: mib(metric(exposition, 'process_resident_memory_bytes')),
    heapUsedMiB: mib(metric(exposition, 'nodejs_heap_size_used_bytes')),
    heapTotalMiB: mib(metric(exposition, 'nodejs_heap_size_total_bytes')),
    externalMiB: mib(metric(exposition, 'nodejs_external_memory_bytes')),
  };
}

/** The bare server's `process.memoryUsage()` from its /memory route. */
export async function memoryFromRoute(baseUrl: string): Promise<ProcessMemory> {
  const usage = (await (await fetch(`${baseUrl}/memory`, { signal: AbortSignal.timeout(10_000) })).json()) as NodeJS.MemoryUsage;
  return { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), heapTotalMiB: mib(usage.heapTotal), externalMiB: mib(usage.external) };
}
