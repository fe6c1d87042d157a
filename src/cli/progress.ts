import type { Progress } from '../publish/executor.js';

/**
 * A one-line progress bar on a terminal (rows, rows/s, percent), redrawn at most ten times a second.
 * Off a terminal it draws nothing: the command prints one summary line at the end instead.
 */
export function progressBar(stream: NodeJS.WriteStream): { update(p: Progress): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.rowsWritten < p.rowsTotal) return;
      last = now;
      const width = 30;
      const filled = Math.round((p.percentComplete / 100) * width);
      const rate = Math.round(p.rowsWritten / Math.max(0.001, (now - started) / 1000));
      stream.write(
        `\r${p.phase.padEnd(7)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(p.percentComplete).padStart(3)}%  ${p.rowsWritten.toLocaleString('en-US')}/${p.rowsTotal.toLocaleString('en-US')} rows  ${rate.toLocaleString('en-US')} rows/s `,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
