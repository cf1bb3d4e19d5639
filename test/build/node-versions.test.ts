/**
 * One Node story (README, "Two commands"): any Node 20.17+ with npm 11 starts the project, and
 * everything after `npm install` runs on the project's own Node 24 (the `node` devDependency).
 * The system Node runs only npm, the install scripts that allowScripts lets run, and
 * bin/packet-chat.js until it hands over to Node 24. These checks keep those statements true.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import cliConfig from '../../vite.cli.config';

const ROOT = path.join(import.meta.dirname, '../..');

interface Manifest {
  readonly version: string;
  readonly engines?: { readonly node?: string };
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly allowScripts?: Readonly<Record<string, boolean>>;
}

const manifest = (file: string) =>
  JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Manifest;
const pkg = manifest('package.json');

/** `>=20.17` → [20, 17, 0]; undefined for any other form of range. */
function lowerBound(range: string): [number, number, number] | undefined {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function atLeast(version: readonly number[], bound: readonly number[]): boolean {
  for (let i = 0; i < 3; i += 1) {
    if (version[i]! !== bound[i]!) return version[i]! > bound[i]!;
  }
  return true;
}

describe('Node versions', () => {
  it('engines asks for what starting needs: Node 20.17+ (npm 11 runs on it) and npm 11', () => {
    expect(pkg.engines).toEqual({ node: '>=20.17', npm: '>=11' });
  });

  it('every install script that runs on the system Node accepts that Node', () => {
    const floor = lowerBound(pkg.engines!.node!)!;
    const allowed = Object.entries(pkg.allowScripts ?? {}).filter(([, allow]) => allow);
    expect(allowed.length).toBeGreaterThan(0);
    for (const [name] of allowed) {
      const required = manifest(`node_modules/${name}/package.json`).engines?.node;
      if (required === undefined) continue;
      const bound = lowerBound(required);
      expect(
        bound,
        `${name} needs Node ${required}: check it against ${floor.join('.')}`,
      ).toBeDefined();
      expect(atLeast(floor, bound!), `${name} needs Node ${required}`).toBe(true);
    }
  });

  it('the bin script, the CLI bundle and the `node` devDependency agree on Node 24', () => {
    const major = Number(/^\D*(\d+)/.exec(pkg.devDependencies!['node']!)![1]);
    expect(major).toBe(24);
    expect(Number(manifest('node_modules/node/package.json').version.split('.')[0])).toBe(major);
    const bin = readFileSync(path.join(ROOT, 'bin/packet-chat.js'), 'utf8');
    expect(bin).toContain(`const REQUIRED_MAJOR = ${major};`);
    expect(cliConfig.build?.target).toBe(`node${major}`);
  });

  it('.npmrc hides npm warnings, but an install script allowScripts does not cover is an error', () => {
    const settings = Object.fromEntries(
      readFileSync(path.join(ROOT, '.npmrc'), 'utf8')
        .split('\n')
        .filter((line) => /^\s*[\w-]+\s*=/.test(line))
        .map((line) => line.split('=').map((part) => part.trim())),
    ) as Record<string, string>;
    expect(settings).toEqual({ loglevel: 'error', 'strict-allow-scripts': 'true' });
  });
});
