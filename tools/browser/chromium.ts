/**
 * Debian's Chromium for the browser tests (playwright-core drives it; no browser is downloaded from
 * elsewhere). Missing and running as root, like the stack's servers: apt-get installs it with a
 * Korean font, so screenshots show Hangul rather than boxes. Not root: the error names the command.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const packages = ['chromium', 'fonts-nanum'];
const INSTALL_TIMEOUT_MS = 10 * 60_000;

function missingPackages(): string[] {
  return packages.filter((name) => spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true);
}

/** Returns the browser's path, installing it first when it is missing (as root, with apt-get). */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg-query'], { stdio: 'ignore' }).status === 0;
  const present = fs.existsSync(chromiumPath);
  const missing = hasDpkg ? missingPackages() : present ? [] : packages;
  if (present && missing.length === 0) return chromiumPath;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    if (present) {
      log(`the browser tests run without ${missing.join(', ')} (screenshots may lack Korean glyphs); as root: ${command}`);
      return chromiumPath;
    }
    throw new Error(`Chromium is not installed (${chromiumPath}). Install it with:\n  sudo sh -c '${command}'`);
  }
  log(`installing ${missing.join(', ')} with apt-get for the browser tests…`);
  const result = spawnSync('sh', ['-c', command], { stdio: 'inherit', timeout: INSTALL_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0 || !fs.existsSync(chromiumPath)) throw new Error(`installing ${missing.join(' ')} failed; run: ${command}`);
  return chromiumPath;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname)) {
  console.log(ensureChromium());
}
