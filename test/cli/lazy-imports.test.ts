/**
 * The shipped CLI is split into chunks (scripts/build-options.mjs). There, a CommonJS package
 * imported lazily is a chunk whose only export is `default`: `const { SingleBar } = await
 * import('cli-progress')` gives undefined, which the sources (run unbundled by the tests) never
 * show. So a lazy import of a package reads its members from `default`. Relative imports are
 * ES modules of this project and keep their named exports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `import('pkg')` of a package (not a relative path, not a node: built-in) not read through `default`. */
function namedLazyImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/import\(\s*'([^'.][^']*)'\s*\)/g)) {
    const specifier = match[1]!;
    if (specifier.startsWith('node:')) continue;
    const after = text.slice(match.index! + match[0].length, match.index! + match[0].length + 12);
    const before = text.slice(Math.max(0, match.index! - 400), match.index!);
    const viaDefault =
      after.startsWith(')).default') ||
      after.startsWith(').default') ||
      /\{\s*default:\s*\w+\s*\}[^;]*$/.test(before.slice(before.lastIndexOf('const ')));
    if (!viaDefault) found.push(specifier);
  }
  return found;
}

describe('lazy imports of packages in the CLI', () => {
  it('read CommonJS exports through default, as the split bundle has them', () => {
    const offenders = ['cli', 'lib']
      .flatMap(sources)
      .flatMap((file) =>
        namedLazyImports(readFileSync(join(ROOT, file), 'utf8')).map((specifier) => `${file}: ${specifier}`),
      );
    expect(offenders).toEqual([]);
  });

  it('catches the named form it forbids', () => {
    expect(namedLazyImports("const { SingleBar, Presets } = await import('cli-progress');")).toEqual([
      'cli-progress',
    ]);
    expect(namedLazyImports("const { SingleBar } = (await import('cli-progress')).default;")).toEqual([]);
    expect(
      namedLazyImports(
        "const [a, { default: hub }] = await Promise.all([x, import('@aws-sdk/client-securityhub')]);",
      ),
    ).toEqual([]);
  });
});
