/** Where the sidecar lives on Vite's server: its routes, its socket (`ws`) and the overlay. */
export const SIDECAR_PREFIX = '/__sidecar/';
