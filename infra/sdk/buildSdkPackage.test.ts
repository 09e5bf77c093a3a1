import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSdkPackage } from './buildSdkPackage.ts';

/**
 * The builder replaces its output directory only when it is new, empty or an earlier build of
 * the package: `build-sdk --out .`, `--out sdk` or `--out /tmp` must not delete what is there. Run against a stand-in repository inside a
 * directory of its own, never the real one: every output directory tried lies inside `base`,
 * so a builder without the check deletes nothing else.
 */
describe('buildSdkPackage output directory', () => {
  let base: string;
  let root: string;
  let source: string;

  beforeEach(() => {
    // Prepare
    base = mkdtempSync(path.join(tmpdir(), 'sightline-sdk-out-'));
    root = path.join(base, 'repository');
    source = path.join(root, 'sdk', 'src', 'index.ts');
    mkdirSync(path.dirname(source), { recursive: true });
    writeFileSync(source, 'export {};\n');
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it.each([
    ['the repository root', (at: string) => at],
    ['a directory holding the repository', (at: string) => path.dirname(at)],
    ['the SDK workspace', (at: string) => path.join(at, 'sdk')],
    ['a folder of the SDK sources', (at: string) => path.join(at, 'sdk', 'src')],
  ])('refuses %s and deletes nothing', async (_name, outOf) => {
    // Act
    const build = buildSdkPackage({ root, outDirectory: outOf(root) });

    // Assess
    await expect(build).rejects.toThrow(/output directory/);
    expect(existsSync(source)).toBe(true);
  });

  it('refuses a folder holding anything but an earlier build, and deletes nothing', async () => {
    // Prepare
    const notes = path.join(base, 'notes');
    mkdirSync(notes);
    writeFileSync(path.join(notes, 'keep.txt'), 'mine\n');

    // Act
    const build = buildSdkPackage({ root, outDirectory: notes });

    // Assess
    await expect(build).rejects.toThrow(/output directory/);
    expect(existsSync(path.join(notes, 'keep.txt'))).toBe(true);
  });

  it('refuses a file where the directory should be, and deletes nothing', async () => {
    // Prepare
    const file = path.join(base, 'package.tgz');
    writeFileSync(file, 'mine\n');

    // Act
    const build = buildSdkPackage({ root, outDirectory: file });

    // Assess
    await expect(build).rejects.toThrow(/output directory/);
    expect(existsSync(file)).toBe(true);
  });

  it('replaces an earlier build of the package', async () => {
    // Prepare
    const earlier = path.join(base, 'package');
    mkdirSync(path.join(earlier, 'dist'), { recursive: true });
    writeFileSync(path.join(earlier, 'dist', 'stale.js'), '');
    writeFileSync(
      path.join(earlier, 'package.json'),
      JSON.stringify({ name: '@sightline/sdk', exports: { '.': { default: './dist/index.js' } } }),
    );

    // Act: the stand-in repository has no build configuration, so compiling fails after the
    // earlier build was cleared.
    const build = buildSdkPackage({ root, outDirectory: earlier });

    // Assess
    await expect(build).rejects.toThrow(/compiling the SDK failed/);
    expect(existsSync(path.join(earlier, 'dist', 'stale.js'))).toBe(false);
  });
});
