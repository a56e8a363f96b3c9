// Pass 1 of the by-invocation kernels, where one invocation walks a whole row: the row's total state from
// the blocks of each segment of SEGMENT_BLOCKS folded into a fresh state and merged in
// order. Requires each direction's fn fold_blocks(st, row, logit_row, data_row, first, end), which folds
// blocks [first, end) into st and keeps v for pass 2; data_row is where the sample-row starts in the outputs
// (forward) or in dy and dl (backward).

// Blocks folded into a fresh state before it is merged into the row's total: a single running sum over a
// long row would lose every term below half an ulp of the sum (README "Accuracy" counts at most
// SEGMENT_BLOCKS + K / 256 roundings per sum).
const SEGMENT_BLOCKS: u32 = 64u;

// Whether rows are folded SEGMENT_BLOCKS at a time, which only long rows need: the host sets it for
// K > SHORT_K, since the segment loop made short rows slower (SwiftShader, 4096 x 8 hard: 3.40 against
// 2.79 ms through Dawn).
override SEGMENTED: bool = true;

// Output stores with constant lane indices and no branch (lane-store.wgsl): faster on
// SwiftShader, which runs these kernels for rows of any length.
const UNROLLED_LANE_STORES: bool = true;

fn fold_row(row: RowSetup, logit_row: u32, data_row: u32) -> RowState {
  var total = state_empty();
  if (SEGMENTED) {
    for (var first = 0u; first < row.blocks; first += SEGMENT_BLOCKS) {
      var st = state_empty();
      fold_blocks(&st, row, logit_row, data_row, first, min(first + SEGMENT_BLOCKS, row.blocks));
      total = state_merge(total, st, row.tau);
    }
  } else {
    fold_blocks(&total, row, logit_row, data_row, 0u, row.blocks);
  }
  return total;
}
