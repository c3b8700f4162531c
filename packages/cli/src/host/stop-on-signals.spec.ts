import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from './stop-on-signals.js';

describe('stopOnSignals', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stops on the first signal and exits at once, with the first signal\'s code, on the second', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const calls: string[] = [];
    const guard = stopOnSignals({ stop: (s) => calls.push(`stop ${s}`), beforeExit: () => calls.push('close store'), log: (l) => calls.push(l.trim()) });
    try {
      process.emit('SIGTERM');
      expect(guard.received()).toBe('SIGTERM');
      expect(guard.exitCode()).toBe(143);
      expect(exit).not.toHaveBeenCalled();
      process.emit('SIGINT');
      expect(exit).toHaveBeenCalledWith(143);
      expect(calls).toEqual([
        expect.stringMatching(/^SIGTERM: stopping — no new trials/), 'stop SIGTERM',
        expect.stringMatching(/^Ctrl-C again: exiting now; every stored trial is kept/), 'close store',
      ]);
    } finally {
      guard.dispose();
    }
  });

  it('removes its handlers when disposed', () => {
    const before = process.listenerCount('SIGINT');
    const guard = stopOnSignals({ stop: () => undefined, beforeExit: () => undefined, log: () => undefined });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    guard.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
