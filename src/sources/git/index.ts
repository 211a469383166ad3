export { createGitSource, GIT_SOURCE_DEFAULTS, type GitSourceOptions } from './git-source.js';
