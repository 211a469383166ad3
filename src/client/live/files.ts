/**
 * The `files` fold: the recent changes, newest first and bounded (a `batch` counts as its
 * events), whether the first scan is done, and how often events may have been missed.
 */
import type { FileEventData, FilesBatchData, FilesReadyData } from '../../protocol/index.js';
import { FILE_EVENTS } from '../../protocol/index.js';
import type { Keeper } from './keeper.js';
import { type FileChange, type FilesState, LIVE_LIMITS } from './types.js';

const isFileEvent = (event: string) => (FILE_EVENTS as readonly string[]).includes(event);

export function createFilesKeeper(): Keeper<FilesState> {
  let scanned: FilesReadyData | null = null;
  let changes: readonly FileChange[] = [];
  let gaps = 0;

  return {
    apply(message) {
      if (message.type !== 'event') return false;
      const { event, timestamp, seq } = message;
      let added: FileEventData[];
      if (event === 'ready') {
        scanned = message.data as FilesReadyData;
        return true;
      }
      if (event === 'batch') added = (message.data as FilesBatchData).events;
      else if (isFileEvent(event)) added = [message.data as FileEventData];
      else return false;
      const fresh = added
        .map(({ file, event: kind }) => Object.freeze({ file, event: kind, timestamp, seq }))
        .reverse();
      changes = [...fresh, ...changes].slice(0, LIVE_LIMITS.fileChanges);
      return true;
    },
    gap() {
      gaps++;
      return true;
    },
    build: () => Object.freeze({ scanned, changes, gaps }),
  };
}
