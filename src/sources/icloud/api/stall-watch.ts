/**
 * @module A stall watchdog that counts only time this process was awake to see data. A loaded machine can pause the
 * event loop for seconds; after such a pause timers run before the socket reads that were waiting, so a plain
 * "no byte since T" check blamed Apple for our own lag. Each tick adds at most two periods of silence.
 */
export interface StallWatch {
  /** Data arrived (or the reader holds unread bytes): the silence starts again. */
  heard(): void;
  stop(): void;
}

/** Calls `onStall` after `stallMs` of silence (and again after as much more, until stopped). */
export function watchForStall(stallMs: number, onStall: () => void): StallWatch {
  const period = Math.min(1000, Math.max(20, stallMs / 4));
  let silentMs = 0;
  let previous = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    silentMs += Math.min(now - previous, 2 * period);
    previous = now;
    if (silentMs >= stallMs) { silentMs = 0; onStall(); }
  }, period);
  return {
    heard: () => { silentMs = 0; },
    stop: () => clearInterval(timer),
  };
}
