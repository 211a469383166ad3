/**
 * The `validation` fold: per tool, the last run with a verdict, the run in progress and why it
 * cannot run. The snapshot (`{ validators, results }`) starts over; a cancelled run is no
 * verdict, so the last real result stays.
 */
import type {
  ValidationCompleteData,
  ValidationSnapshot,
  ValidationStartedData,
} from '../../protocol/index.js';
import type { Keeper } from './keeper.js';
import type { ValidationState, ValidationToolState } from './types.js';

export function createValidationKeeper(): Keeper<ValidationState> {
  let ready = false;
  const tools = new Map<string, ValidationToolState>();
  const update = (tool: string, change: Partial<ValidationToolState>) => {
    const current = tools.get(tool) ?? { tool, latest: null, running: null, unavailable: null };
    tools.set(tool, Object.freeze({ ...current, ...change }));
  };

  return {
    apply(message) {
      if (message.type === 'snapshot') {
        // The whole state: runs seen starting may have ended meanwhile.
        const snapshot = message.data as ValidationSnapshot;
        tools.clear();
        for (const { tool, state, runId, message: why } of snapshot.validators) {
          update(tool, {
            running: state === 'running' && runId ? { runId } : null,
            unavailable: state === 'unavailable' ? (why ?? 'unavailable') : null,
          });
        }
        for (const result of Object.values(snapshot.results))
          update(result.tool, { latest: result });
        ready = true;
        return true;
      }
      if (message.event === 'started') {
        const data = message.data as ValidationStartedData;
        update(data.tool, {
          running: { runId: data.runId, trigger: data.trigger, since: message.timestamp },
        });
        return true;
      }
      if (message.event === 'complete') {
        const data = message.data as ValidationCompleteData;
        const current = tools.get(data.tool);
        update(data.tool, {
          running: current?.running?.runId === data.runId ? null : (current?.running ?? null),
          latest: data.cancelled ? (current?.latest ?? null) : data,
        });
        return true;
      }
      return false;
    },
    build() {
      const sorted = [...tools].sort(([a], [b]) => a.localeCompare(b));
      return Object.freeze({ ready, tools: new Map(sorted) });
    },
  };
}
