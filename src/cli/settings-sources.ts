import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { OptionsError, parseSettings, type Settings } from '../app/options.js';
import { previewValue } from '../core/value-preview.js';

export const CONFIG_FILE_NAME = 'sidecar.config.json';

/** `SIDECAR_*` variables and the setting each one sets. */
export const ENV_VARIABLES: Record<string, keyof Settings> = {
  SIDECAR_HOST: 'host',
  SIDECAR_PORT: 'port',
  SIDECAR_STRICT_PORT: 'strictPort',
  SIDECAR_TOKEN: 'token',
  SIDECAR_NO_AUTH: 'auth',
  SIDECAR_ALLOW_ORIGIN: 'allowOrigins',
  SIDECAR_ALLOW_HOST: 'allowHosts',
  SIDECAR_HEARTBEAT: 'heartbeatMs',
  SIDECAR_HISTORY: 'history',
  SIDECAR_RATE_LIMIT: 'rateLimit',
  SIDECAR_MAX_PAYLOAD: 'maxPayload',
  SIDECAR_LOG_LEVEL: 'logLevel',
  SIDECAR_MAX_OPEN_FILES: 'maxOpenFiles',
};

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** Settings from the environment; lists are comma-separated, flags accept 1/0, true/false. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const raw: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const [variable, key] of Object.entries(ENV_VARIABLES)) {
    const value = env[variable];
    // An empty variable counts as unset (a common way to unset it in shells and CI).
    if (value === undefined || value === '') continue;
    names[key] = variable;
    if (key === 'allowOrigins' || key === 'allowHosts') {
      raw[key] = value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    } else if (key === 'strictPort' || key === 'auth') {
      const flag = parseBoolean(value, variable);
      raw[key] = key === 'auth' ? !flag : flag;
    } else {
      raw[key] = value;
    }
  }
  return parseSettings(raw, (key) => names[key] ?? key);
}

function parseBoolean(value: string, name: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (TRUE.includes(normalized)) return true;
  if (FALSE.includes(normalized)) return false;
  throw new OptionsError(
    `invalid ${name}: expected 1/0 or true/false (got ${previewValue(value)})`,
  );
}

/**
 * Settings from `sidecar.config.json` in the root (optional), or from the file `--config`
 * names (required).
 */
export async function settingsFromConfigFile(
  root: string,
  explicitFile?: string,
): Promise<Settings> {
  const file = explicitFile ?? join(root, CONFIG_FILE_NAME);
  const name = explicitFile ? basename(explicitFile) : CONFIG_FILE_NAME;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicitFile) return {};
    throw new OptionsError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OptionsError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionsError(`${name} must hold a JSON object`);
  }
  const { $schema: _schema, ...settings } = value as Record<string, unknown>;
  return parseSettings(settings, (key) => `"${key}" in ${name}`);
}

/** Later layers win: config file, then environment, then flags. */
export function mergeSettings(...layers: Settings[]): Settings {
  return Object.assign({}, ...layers);
}
