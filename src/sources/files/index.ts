export { createFilesSource, type FilesSourceOptions } from './files-source.js';
