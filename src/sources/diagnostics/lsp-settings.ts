import { z } from 'zod';

/** One language server from the `lsp` section of the config file. */
export type LspServerConfig = z.infer<ReturnType<typeof lspServerSchema>>;

function lspServerSchema() {
  return z
    .object({
      /** Names the server in events and on `system`; `typescript` replaces the built-in one. */
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 letters, digits, . _ or -'),
      /** An executable on PATH, an absolute path, or a path relative to the root. */
      command: z.string().min(1, 'must not be empty'),
      args: z.array(z.string()).optional(),
      /** File name endings the server handles, each with its dot: `.py`. */
      extensions: z
        .array(z.string().regex(/^\.[A-Za-z0-9._-]{1,32}$/, 'expected a file ending such as ".py"'))
        .min(1, 'name at least one file ending'),
      /** The LSP language id sent with each file; guessed from the ending when absent. */
      languageId: z.string().min(1).max(64).optional(),
      initializationOptions: z.unknown().optional(),
      /** Answers the server's `workspace/configuration` requests, by dotted section. */
      settings: z.record(z.string(), z.unknown()).optional(),
    })
    .strict();
}

function uniqueServerNames(servers: { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  servers.forEach(({ name }, index) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `server name "${name}" is used twice`,
        path: [index, 'name'],
      });
    }
    seen.add(name);
  });
}

/** The `lsp` section of the settings: language servers besides the built-in TypeScript one. */
export const lspSettingsSchema = z.array(lspServerSchema()).superRefine(uniqueServerNames);
