import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { which } from './which.js';

describe('which', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-which-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'sim'), '#!/bin/sh\n');
  chmodSync(join(dir, 'sim'), 0o755);
  writeFileSync(join(dir, 'notes'), 'not executable');
  chmodSync(join(dir, 'notes'), 0o644);

  it('finds an executable on the given PATH', () => {
    expect(which('sim', { path: ['/nonexistent', dir].join(delimiter) })).toBe(join(dir, 'sim'));
  });

  it('skips non-executable files, directories and empty entries', () => {
    expect(which('notes', { path: dir, platform: 'linux' })).toBeUndefined();
    expect(which('sim', { path: '' })).toBeUndefined();
    expect(which('polaris-which-missing', { path: `${delimiter}${dir}` })).toBeUndefined();
  });

  it('finds node on the real PATH', () => {
    expect(which('node')).toMatch(/node(\.exe)?$/);
  });
});
