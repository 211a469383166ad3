/**
 * The environment for the tools the sidecar starts (language servers, checks, ripgrep, git): the
 * user's own, as their terminal would give them, minus the sidecar's token, which no tool has
 * any business seeing.
 */
export function childEnvironment(
  overrides: Readonly<Record<string, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const { SIDECAR_TOKEN: _token, ...rest } = env;
  return { ...rest, ...overrides };
}
