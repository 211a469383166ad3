export {
  createSearchSource,
  type RunningSearch,
  SEARCH_DEFAULTS,
  type SearchSource,
  type SearchSourceOptions,
} from './search-source.js';
