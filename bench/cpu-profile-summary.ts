/**
 * Reads V8 CPU profiles (`node --cpu-prof` writes one .cpuprofile per process) and prints where the
 * busy time went: the top functions by self time, the top frames by total time (each function
 * counted once per sample, as a flame graph's widths), and self time by package.
 * Percentages are of the samples in which the process was not idle.
 * Usage: cpu-profile-summary.ts <file.cpuprofile>... [--top N]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CpuProfile, ProfileNode } from './cpu-profile.ts';

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  self: { frame: string; ms: number; percent: number }[];
  total: { frame: string; ms: number; percent: number }[];
  packages: { name: string; ms: number; percent: number }[];
}

const idleFrames = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: a package, Node itself, our own source, or V8's pseudo-frames. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  const ours = /\/((?:apps|libs|bench|tools)\/[^/]+)/.exec(url);
  return ours ? ours[1]! : url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  const file = url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/.*\/(apps|libs|bench|tools)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

export function summariseProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  profile.samples.forEach((sampleId, index) => {
    // A delta is the time up to this sample; the first one is from the profile's start.
    const us = Math.max(0, profile.timeDeltas[index] ?? 0);
    const node = byId.get(sampleId)!;
    if (idleFrames.has(node.callFrame.functionName)) {
      idleUs += us;
      return;
    }
    busyUs += us;
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + us);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const seen = new Set<string>();
    for (let current: number | undefined = sampleId; current !== undefined; current = parent.get(current)) {
      const frame = frameName(byId.get(current)!);
      if (frame === '(root)' || seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + us);
    }
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({ frame, ms: Math.round(us / 100) / 10, percent: Math.round((us / Math.max(1, busyUs)) * 1000) / 10 }));
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    self: ranked(self),
    total: ranked(total),
    packages: ranked(packages).map(({ frame, ms, percent }) => ({ name: frame, ms, percent })),
  };
}

export function formatSummary(label: string, summary: ProfileSummary): string {
  const lines = [`## ${label}: ${summary.busyMs} ms busy (${summary.idleMs} ms idle)`, '', 'self time:'];
  for (const entry of summary.self) lines.push(`  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.ms.toFixed(1).padStart(8)} ms  ${entry.frame}`);
  lines.push('', 'total time (flame-graph widths):');
  for (const entry of summary.total) lines.push(`  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.ms.toFixed(1).padStart(8)} ms  ${entry.frame}`);
  lines.push('', 'self time by package:');
  for (const entry of summary.packages) lines.push(`  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.ms.toFixed(1).padStart(8)} ms  ${entry.name}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
  const files = args.filter((arg, index) => !arg.startsWith('--') && !(topAt >= 0 && index === topAt + 1));
  if (files.length === 0 || !Number.isInteger(top) || top <= 0) {
    console.error('usage: cpu-profile-summary.ts <file.cpuprofile>... [--top N]');
    process.exit(2);
  }
  for (const file of files) {
    let profile: CpuProfile;
    try {
      profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    } catch (error) {
      console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    console.log(formatSummary(path.basename(file), summariseProfile(profile, top)));
    console.log();
  }
}
