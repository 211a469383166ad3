/** The `files` channel: one file or folder changed, a batch of them, the first scan done. */

export const FILE_EVENTS = ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const;
export type FileEventKind = (typeof FILE_EVENTS)[number];

export interface FileEventData {
  /** Relative to the workspace root, `/`-separated. */
  file: string;
  event: FileEventKind;
}
export interface FilesBatchData {
  events: FileEventData[];
  count: number;
}
export interface FilesReadyData {
  files: number;
  durationMs: number;
}
