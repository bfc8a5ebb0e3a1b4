import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  peerDependencies?: Record<string, string>;
  files: string[];
  sideEffects: boolean;
  type: string;
  engines: { node: string };
};

const DRIVERS = ['pg', 'mysql2', 'redis', 'ioredis', 'bullmq'];

/** Every module statically reachable from `entry` (relative imports followed), and the bare specifiers they import. */
function staticGraph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const pending = [entry];
  const importPattern =
    /(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g;
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(importPattern)) {
      const specifier = (match[1] ?? match[2]) as string;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else bare.add(specifier);
    }
  }
  return { files, bare };
}

describe('package.json', () => {
  it('is an ESM-only package shipping dist/ without side effects, for Node >= 20.19', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('lists types first in every export and exposes ./package.json', () => {
    expect(pkg.exports['./package.json']).toBe('./package.json');
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === './package.json') continue;
      expect(typeof target, subpath).toBe('object');
      expect(Object.keys(target as object), subpath).toEqual(['types', 'default']);
    }
  });

  it('points every export at a built file', async () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      for (const file of [target.types, target.default]) {
        expect(() => readFileSync(join(root, file)), `${subpath} -> ${file}`).not.toThrow();
      }
    }
  });
});

describe('import boundaries (DESIGN section 1)', () => {
  it('the root entry loads no driver, no test kit and nothing outside node: builtins', () => {
    const { files, bare } = staticGraph(join(root, 'dist/index.js'));
    expect(files.size).toBeGreaterThan(10); // the walk really followed the re-exports
    expect(bare.has('node:diagnostics_channel')).toBe(true);
    expect([...bare].filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
    expect([...files].filter((file) => file.includes('/dist/testing/'))).toEqual([]);
  });

  it('no subpath imports a driver statically (drivers are optional peers, loaded on use)', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const { bare } = staticGraph(join(root, target.default));
      const drivers = [...bare].filter((specifier) =>
        DRIVERS.some((d) => specifier === d || specifier.startsWith(`${d}/`)),
      );
      expect(drivers, subpath).toEqual([]);
    }
  });

  it('the kernel knows no family', () => {
    const { files } = staticGraph(join(root, 'dist/internal/options.js'));
    for (const file of files) expect(file).toContain('/dist/internal/');
  });
});
