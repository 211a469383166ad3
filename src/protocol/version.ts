/** The wire protocol's version, sent in `welcome` and `server.info`. */
export const PROTOCOL_VERSION = 1 as const;
