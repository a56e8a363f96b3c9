// How rows map onto invocations and workgroups in the Gumbel-Softmax kernels (no WGSL imported here, so
// Node tests can check it directly).

/**
 * Longest row handled one invocation per row (the by-invocation kernels) on every adapter: beyond it a
 * workgroup per row pays off on a GPU.
 */
export const SHORT_K = 64;

/**
 * Fewest rows in a dispatch for which longer rows also take one invocation each when CreateOptions
 * .rowPerInvocation is on (adapters that run on the CPU). Through Dawn on SwiftShader, GPU ms of the forward
 * soft, a workgroup per row against an invocation per row: 2 x 131072 22.6 / 29.8, 4 x 262144 92 / 89,
 * 8 x 131072 92 / 61, 256 x 32768 993 / 459, 1024 x 1024 454 / 52: SwiftShader runs 4 invocations as one
 * SIMD group, so fewer rows leave most of it idle.
 */
const BY_INVOCATION_MIN_ROWS = 4;

/** Whether the rows of a dispatch take one invocation each (the by-invocation kernels) or a workgroup each. */
export function rowsByInvocation(rows: number, K: number, rowPerInvocation: boolean): boolean {
  return K <= SHORT_K || (rowPerInvocation && rows >= BY_INVOCATION_MIN_ROWS);
}

/** Philox blocks a row of K elements spans when its stream position mod 4 is `lead` (row_setup, softmax-row.wgsl). */
function rowBlocks(K: number, lead: number): number {
  return Math.floor((lead + K + 3) / 4);
}

/** Most Philox blocks of a row that the by-invocation kernels' FEW_BLOCKS path holds (row-few-blocks.wgsl). */
export const MAX_FEW_BLOCKS = 4;

/**
 * FEW_BLOCKS for a by-invocation dispatch of `rows` rows of K whose first row has lead firstLead
 * (its stream position mod 4): the most Philox blocks any of its rows spans, or 0 (the loop over blocks)
 * beyond MAX_FEW_BLOCKS. Row j's lead is firstLead + j K mod 4, so four rows show every lead there is.
 */
export function fewBlocks(K: number, firstLead: number, rows: number): number {
  let most = 0;
  for (let j = 0; j < Math.min(rows, 4); j++) {
    most = Math.max(most, rowBlocks(K, (firstLead + j * K) % 4));
  }
  return most <= MAX_FEW_BLOCKS ? most : 0;
}

/**
 * Invocations per workgroup of the by-invocation kernels (their WG override). Short rows: a power of two from 4
 * to 64 that covers the dispatch's rows, so a small dispatch runs no idle SIMD groups (SwiftShader runs a
 * workgroup four invocations at a time; through Dawn, 14 x 8 forward soft 0.097 -> 0.060-0.065 ms of GPU time
 * with 16 instead of 64, while the unfused pipeline took 0.080-0.082). Long rows, which run only on CPU
 * adapters: 8, so that a few dozen rows still make several workgroups for the adapter's threads (SwiftShader,
 * 32 x 262144: 394 ms with 8, 513 ms with 64).
 */
export function invocationWorkgroupSize(K: number, rows: number): number {
  const covering = 2 ** Math.ceil(Math.log2(rows));
  return K <= SHORT_K ? Math.min(64, Math.max(4, covering)) : 8;
}

/**
 * Invocations per row for the workgroup-per-row kernels (their WG override): about four Philox blocks per
 * invocation, a power of two from 32 to 256, so mid-length rows do not leave most of a workgroup idle.
 */
export function rowWorkgroupSize(K: number): number {
  const blocks = Math.ceil(K / 4) + 1;
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(blocks / 4))));
}

/** HELD_BLOCKS of shaders/row-hold.wgsl: Philox blocks per invocation whose v stays in registers. */
export const HELD_BLOCKS = 4;

/**
 * Whether a workgroup-per-row dispatch of whole rows keeps v in registers between the passes (row-hold.wgsl):
 * when an invocation's blocks fit in HELD_BLOCKS, a row's lead aside (it may add one block, which is stashed).
 * Rows of 32768 measured 1-4% slower holding 4 or 8 of their 32 blocks per invocation (H100), hence all or none.
 */
export function holdsRows(K: number, wg: number): boolean {
  return Math.ceil(K / 4) <= HELD_BLOCKS * wg;
}

/** Bytes of one RowState (softmax-row.wgsl), the element of the reduction scratch and partials arrays. */
export const ROW_STATE_BYTES = 32;

/** How the workgroup-per-row kernels spread each row over workgroups (row-split.wgsl). */
export interface RowSplit {
  /** Workgroups per row. */
  chunks: number;
  /** Philox blocks per workgroup; at least any row's blocks when chunks is 1. */
  chunkBlocks: number;
}

export const WHOLE_ROWS: RowSplit = { chunks: 1, chunkBlocks: 0xffffffff };

/**
 * Rows are split only in dispatches of fewer rows than this, the SMs of an H100: with fewer whole rows some
 * of its cores would get no workgroup. Measured there (forward soft / hard / backward, ms): 128 x 131072
 * unsplit 0.275 / 0.213 / 0.311, split 0.236 / 0.208 / 0.243; 160 x 32768 0.091 / 0.077 / 0.107 against
 * 0.087 / 0.082 / 0.094 (mixed); 255 x 32768 0.112 / 0.088 / 0.130 against 0.126 / 0.116 / 0.135, and
 * 512 x 32768 0.172 -> 0.241 (soft): with more rows an unsplit row's stash is read back soon after it is
 * written, from cache, a split row's only after the whole first dispatch.
 */
const SPLIT_BELOW_ROWS = 132;

/** Workgroups a split dispatch aims for: several waves of a large GPU's cores. */
const SPLIT_TARGET_GROUPS = 2048;

/** Most workgroups per row: in the second phase each workgroup merges all of its row's partial states. */
const MAX_CHUNKS = 64;

/**
 * How to split the rows of a dispatch of fewer than SPLIT_BELOW_ROWS rows (on an H100, 64 x 262144 ran 2.5x
 * slower than 4096 x 4096, the same elements over 64 instead of 4096 workgroups; split, 32 x 262144 ran
 * 3.1x faster), keeping at least 4 Philox blocks per invocation in each chunk. Used on hardware adapters
 * only (CreateOptions.rowSplit): on SwiftShader more workgroup-per-row work only added time (splitting
 * 8 x 65536 made the forward 2.6x slower), and rows there mostly take an invocation each (rowsByInvocation).
 */
export function chooseRowSplit(rows: number, K: number): RowSplit {
  if (K <= SHORT_K || rows >= SPLIT_BELOW_ROWS) return WHOLE_ROWS;
  const maxBlocks = rowBlocks(K, 3); // the widest row: lead 3
  const chunks = Math.min(MAX_CHUNKS, Math.ceil(SPLIT_TARGET_GROUPS / rows), Math.floor(maxBlocks / (4 * rowWorkgroupSize(K))));
  return chunks > 1 ? { chunks, chunkBlocks: Math.ceil(maxBlocks / chunks) } : WHOLE_ROWS;
}

/**
 * Elements of a row that the workgroup-memory cache (row-cache.wgsl) holds: what the device's workgroup
 * storage leaves after the reduction scratch and row_total (row-split.wgsl), over `arrays` cached arrays
 * (v; and dy, dl in the backward), capped at the next power of two >= K so short rows do not claim memory
 * they cannot use.
 */
export function rowCacheFloats(device: GPUDevice, K: number, wg: number, subgroups: boolean, arrays: number): number {
  const scratch = ((subgroups ? wg / 4 : wg) + 1) * ROW_STATE_BYTES;
  const fit = Math.floor((device.limits.maxComputeWorkgroupStorageSize - scratch) / (16 * arrays)) * 4;
  return Math.max(4, Math.min(fit, 2 ** Math.ceil(Math.log2(K))));
}
