import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PREFERRED_MODE } from '../../src/engine/modes.js';
import { BENCH_HELP, IDENTIFY_HELP, MAIN_HELP, benchHelp, defaultNote, identifyHelp, mainHelp, modesInHelpOrder } from '../../src/cli/usage.js';

/** The mode names listed after "Modes (--mode):" in the main help, in order. */
function mainHelpModes(help: string): string[] {
  const block = help.split('Modes (--mode):\n')[1]!.split('\n\n')[0]!;
  return block
    .split('\n')
    .map((line) => /^ {2}(\w+) {2,}/.exec(line)?.[1])
    .filter((m): m is string => m !== undefined);
}

describe('help texts name the default mode from PREFERRED_MODE', () => {
  it('the shipped help is rendered for PREFERRED_MODE', () => {
    assert.equal(MAIN_HELP, mainHelp(PREFERRED_MODE));
    assert.equal(IDENTIFY_HELP, identifyHelp(PREFERRED_MODE));
    assert.equal(BENCH_HELP, benchHelp(PREFERRED_MODE));
    assert.equal(mainHelpModes(MAIN_HELP)[0], PREFERRED_MODE);
  });

  it('the default comes first, marked once, in every help text', () => {
    for (const preferred of ['hybrid', 'full'] as const) {
      const order = modesInHelpOrder(preferred);
      assert.equal(order[0], preferred);
      assert.deepEqual([...order].sort(), ['clap', 'full', 'hybrid', 'lightweight']);
      assert.deepEqual(mainHelpModes(mainHelp(preferred)), order);
      for (const help of [mainHelp(preferred), identifyHelp(preferred), benchHelp(preferred)]) {
        assert.equal(help.split(defaultNote(preferred)).length - 1, 1, help);
        for (const other of order.slice(1)) assert.ok(!help.includes(`${other} (default`), help);
      }
      assert.match(identifyHelp(preferred), new RegExp(`--mode MODE {4}${preferred} \\(default`));
      assert.match(benchHelp(preferred), new RegExp(`--mode MODE {14}${preferred} \\(default`));
    }
  });

  it('the note says what the default falls back from', () => {
    assert.equal(defaultNote('full'), '(default)');
    assert.equal(defaultNote('hybrid'), '(default; full when the QuranCLAP model is not installed)');
    assert.equal(defaultNote('lightweight'), '(default; full when the lightweight bridge model is not installed)');
  });
});
