export { createValidationSource } from './validation-source.js';
export {
  type ResolvedValidationOptions,
  resolveValidationOptions,
  type ValidationSettings,
} from './validator-config.js';
