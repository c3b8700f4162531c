import { describe, expect, it } from 'vitest';
import { parsePluginManifest, PluginManifestError, readPluginManifest } from './plugin-manifest.js';

describe('plugin manifest', () => {
  it('normalises kind, provides and requires', () => {
    const m = parsePluginManifest(
      { name: '@polaris/rtl-sim', version: '0.1.0', description: 'RTL', polaris: { id: 'rtl', kind: 'evaluator', requires: { commands: ['verilator'] } } },
      '/x/package.json',
    );
    expect(m).toMatchObject({ id: 'rtl', kinds: ['evaluator'], provides: ['rtl'], commands: ['verilator'], packageName: '@polaris/rtl-sim', description: 'RTL' });
    const multi = parsePluginManifest({ polaris: { id: 'analytical', kind: ['evaluator', 'mapper'], provides: ['analytical', 'timeloop-like'] } }, '/y/package.json');
    expect(multi.kinds).toEqual(['evaluator', 'mapper']);
    expect(multi.provides).toEqual(['analytical', 'timeloop-like']);
  });

  it('reads provides per kind, and refuses a kind the plugin does not declare', () => {
    const m = parsePluginManifest({ polaris: { id: 'starlight', kind: ['evaluator', 'model'], provides: { evaluator: ['starlight'], model: ['starlight', 'dosa'] } } }, '/s/package.json');
    expect(m.providesByKind).toEqual({ evaluator: ['starlight'], model: ['starlight', 'dosa'] });
    expect(m.provides).toEqual(['starlight', 'dosa']);
    const list = parsePluginManifest({ polaris: { id: 'a', kind: ['evaluator', 'mapper'] } }, '/a/package.json');
    expect(list.providesByKind).toEqual({ evaluator: ['a'], mapper: ['a'] });
    expect(() => parsePluginManifest({ polaris: { id: 'b', kind: 'evaluator', provides: { model: ['b'] } } }, '/b/package.json'))
      .toThrow(/polaris\.provides: names kind model, which polaris\.kind \(evaluator\) does not list/);
  });

  it('names the file and every bad field', () => {
    const bad = () => parsePluginManifest({ polaris: { id: 'x', kind: 'evaluator', extra: 1, provides: [''] } }, '/p/package.json');
    expect(bad).toThrow(PluginManifestError);
    expect(bad).toThrow(/^\/p\/package\.json: invalid plugin manifest/);
    expect(bad).toThrow(/polaris\.provides\.0/);
    expect(bad).toThrow(/extra/);
    expect(() => parsePluginManifest({ name: 'x' }, '/q/package.json')).toThrow(/\/q\/package\.json: no "polaris" field/);
    expect(() => readPluginManifest('/no/such/package.json')).toThrow(/\/no\/such\/package\.json: cannot read/);
  });
});
