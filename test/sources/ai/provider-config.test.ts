import { describe, expect, it } from 'vitest';
import { normalizeOptions, parseSettings } from '../../../src/app/options.js';
import {
  AI_DEFAULTS,
  describeProvider,
  endpoint,
  resolveAiOptions,
} from '../../../src/sources/ai/provider-config.js';

describe('AI provider configuration', () => {
  it('has no provider and no default with nothing configured', () => {
    expect(resolveAiOptions(undefined, {})).toMatchObject({
      providers: [],
      defaultProvider: null,
      ...AI_DEFAULTS,
    });
  });

  it('creates openai and anthropic from their conventional variables; the first is the default', () => {
    const options = resolveAiOptions(undefined, {
      ANTHROPIC_API_KEY: 'sk-ant-xyz',
      OPENAI_BASE_URL: 'http://localhost:11434/v1/',
      OPENAI_API_KEY: '',
    });
    expect(options.providers.map((p) => [p.name, p.type, p.baseUrl, p.apiKey])).toEqual([
      ['openai', 'openai-compatible', 'http://localhost:11434/v1', undefined],
      ['anthropic', 'anthropic', 'https://api.anthropic.com', 'sk-ant-xyz'],
    ]);
    expect(options.defaultProvider).toBe('openai');
    expect(options.secrets).toEqual(['sk-ant-xyz']);
  });

  it('puts config providers first, honours ai.default, and reads apiKeyEnv', () => {
    const options = resolveAiOptions(
      {
        providers: [
          {
            name: 'lmstudio',
            type: 'openai-compatible',
            baseUrl: 'http://127.0.0.1:1234/v1',
            model: 'qwen2.5-7b-instruct',
          },
          {
            name: 'router',
            type: 'openai-compatible',
            baseUrl: 'https://openrouter.ai/api/v1',
            apiKeyEnv: 'OPENROUTER_API_KEY',
            models: ['a/b', 'c/d'],
          },
        ],
        default: 'router',
        streamTimeoutMs: 5000,
      },
      { OPENROUTER_API_KEY: 'sk-or-secret', OPENAI_API_KEY: 'sk-openai' },
    );
    expect(options.providers.map((p) => p.name)).toEqual(['lmstudio', 'router', 'openai']);
    expect(options.defaultProvider).toBe('router');
    expect(options.providers[1]).toMatchObject({
      apiKey: 'sk-or-secret',
      defaultModel: 'a/b',
      models: ['a/b', 'c/d'],
    });
    expect(options.streamTimeoutMs).toBe(5000);
    expect(() => resolveAiOptions({ default: 'nope' }, {})).toThrow(
      /ai.default: no provider named "nope"/,
    );
  });

  it('gives a provider the conventional key only when it also uses the conventional URL', () => {
    const env = { OPENAI_API_KEY: 'sk-openai-real', OPENAI_BASE_URL: 'https://proxy.example/v1' };
    const options = resolveAiOptions(
      {
        providers: [
          { name: 'gpt', type: 'openai-compatible', model: 'gpt-4o-mini' },
          { name: 'elsewhere', type: 'openai-compatible', baseUrl: 'http://evil.example/v1' },
        ],
      },
      env,
    );
    expect(options.providers[0]).toMatchObject({
      baseUrl: 'https://proxy.example/v1',
      apiKey: 'sk-openai-real',
      defaultModel: 'gpt-4o-mini',
    });
    expect(options.providers[1]!.apiKey).toBeUndefined();
  });

  it('leaves out a provider whose URL variable is not a URL, with a warning', () => {
    const options = resolveAiOptions(undefined, {
      OPENAI_BASE_URL: 'localhost:11434',
      OPENAI_API_KEY: 'sk-x',
    });
    expect(options.providers).toEqual([]);
    expect(options.warnings).toEqual([
      'OPENAI_BASE_URL is not an http:// or https:// URL; its provider is left out',
    ]);
  });

  it('describes a provider without its key or URL credentials', () => {
    const options = resolveAiOptions(
      {
        providers: [
          {
            name: 'p',
            type: 'openai-compatible',
            baseUrl: 'https://user:pass-word-1@host.example/v1?key=query-secret-123',
            apiKey: 'sk-abc',
          },
        ],
      },
      {},
    );
    const described = describeProvider(options.providers[0]!, 'p');
    expect(described).toEqual({
      name: 'p',
      type: 'openai-compatible',
      baseUrl: 'https://host.example/v1',
      models: [],
      defaultModel: null,
      isDefault: true,
      hasKey: true,
    });
    expect(options.secrets).toEqual(
      expect.arrayContaining(['sk-abc', 'pass-word-1', 'query-secret-123']),
    );
    expect(endpoint('http://h/api/v1/?api-version=2', '/chat/completions').toString()).toBe(
      'http://h/api/v1/chat/completions?api-version=2',
    );
  });

  it('validates the ai section strictly and never echoes a key or an ai object', () => {
    const name = (key: string) => `"${key}" in sidecar.config.json`;
    expect(() =>
      parseSettings({ ai: { providers: [{ name: 'x', type: 'gemini' }] } }, name),
    ).toThrow(
      'invalid "ai" in sidecar.config.json at providers[0].type: expected one of openai-compatible, anthropic (got "gemini")',
    );
    expect(() => parseSettings({ ai: { provider: [] } }, name)).toThrow(
      'invalid "ai" in sidecar.config.json: unknown key "provider"',
    );
    expect(() =>
      parseSettings({ ai: { providers: [{ name: 'x', type: 'anthropic', apiKey: '' }] } }, name),
    ).toThrow(/^invalid "ai" in sidecar.config.json at providers\[0\]\.apiKey: [^(]*$/);
    expect(() =>
      parseSettings(
        {
          ai: {
            providers: [{ name: 'x', type: 'anthropic', apiKey: 'sk-secret', baseUrl: 'ftp://x' }],
          },
        },
        name,
      ),
    ).toThrow(/baseUrl.*expected an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/x"\)$/);
    expect(() => parseSettings({ ai: { streamTimeoutMs: 10 } }, name)).toThrow(
      'invalid "ai" in sidecar.config.json at streamTimeoutMs: expected a whole number from 50 to 86400000 (got 10)',
    );
    expect(() =>
      parseSettings(
        { ai: { providers: [{ name: 'x', type: 'anthropic', headers: { 'api-key': 7 } }] } },
        name,
      ),
    ).toThrow(/^invalid "ai" in sidecar.config.json at providers\[0\]\.headers\.api-key: [^(]*$/);
  });

  it('is resolved once into the sidecar options, from the env option', () => {
    const options = normalizeOptions({
      ai: { streamTimeoutMs: 1000 },
      env: { ANTHROPIC_API_KEY: 'sk-ant' },
    });
    expect(options.ai).toMatchObject({ streamTimeoutMs: 1000, defaultProvider: 'anthropic' });
    expect(Object.isFrozen(options.ai)).toBe(true);
    expect(() => normalizeOptions({ ai: { default: 'x' }, env: {} })).toThrow(
      /^invalid ai.default: no provider named "x"/,
    );
  });
});
