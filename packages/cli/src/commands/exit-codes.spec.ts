import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError, PluginLoadError, StoreError, WorkloadFileError } from '@polaris/core';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { UsageError } from './usage-error.js';

describe('exitCodeOf', () => {
  it('maps bad input to 2 and everything else to 1', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new ConfigError([{ path: 'seed', message: 'bad' }]))).toBe(EXIT.usage);
    expect(exitCodeOf(new WorkloadFileError('x'))).toBe(EXIT.usage);
    expect(exitCodeOf(Object.assign(new Error('corrupt'), { name: 'ModelFileError' }))).toBe(EXIT.usage);
    expect(exitCodeOf(new StoreError('disk full'))).toBe(EXIT.failure);
    expect(exitCodeOf(new PluginLoadError('boom'))).toBe(EXIT.failure);
    expect(exitCodeOf(new Error('anything'))).toBe(EXIT.failure);
    expect(exitCodeOf('a string')).toBe(EXIT.failure);
  });

  it('maps commander errors to 2, help to 0', () => {
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', "unknown option '--x'"))).toBe(EXIT.usage);
    expect(exitCodeOf(new CommanderError(1, 'commander.missingArgument', 'missing'))).toBe(EXIT.usage);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(EXIT.ok);
  });
});
