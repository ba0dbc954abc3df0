export { DEFAULT_LIMITS, type FingerprintLimits } from './limits';
export { detectFormat } from './format';
export { fingerprintFile, type FingerprintOptions } from './fingerprint';
export { normaliseHeader, normaliseValue } from './normalise';
export {
  streamTableRows,
  type StreamTableRowsOptions,
  type TableLocation,
  type TableRow,
} from './stream-rows';
