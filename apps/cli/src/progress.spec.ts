import { ProgressBar } from './progress';

/** A log file or a pipe, not a terminal: the bar writes whole lines. */
function plainOutput() {
  const lines: string[] = [];
  const out = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
  return { out, lines };
}

describe('scan progress without a terminal', () => {
  it('shows a re-scan with nothing to read as done, once', () => {
    const { out, lines } = plainOutput();
    const bar = new ProgressBar(true, out);
    bar.update(0, 0, '15 open findings', true);
    bar.finish();
    expect(lines).toEqual([
      `Scanning [${'█'.repeat(28)}] 100%  no file changed since the last scan  15 open findings\n`,
    ]);
  });

  it('counts files while they are read, and ends on the last count', () => {
    const { out, lines } = plainOutput();
    const bar = new ProgressBar(true, out);
    bar.update(0, null, '0 open findings');
    bar.update(1, 4, '0 open findings');
    bar.update(4, 4, '2 open findings');
    bar.finish();
    expect(lines[0]).toContain('0%  listing files…');
    // Lines come at most every few seconds; the final state is always written.
    expect(lines[lines.length - 1]).toBe(`Scanning [${'█'.repeat(28)}] 100%  4/4 files  2 open findings\n`);
  });
});
