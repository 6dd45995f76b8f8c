// Shared with the benchmark and the process harness (harness/ may not import test/).
export { waitFor } from '../../harness/wait-for.ts';
