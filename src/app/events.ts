/** @module Re-export of the engine's run events for the edges (cli/, server/), which import only app/. */
export type { RunEvent, EventSink } from '../engine/events.ts';
