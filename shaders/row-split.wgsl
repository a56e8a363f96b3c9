// Long rows split across workgroups, so that a few long rows still fill the GPU: each row gets
// params.chunks workgroups, workgroup c taking Philox blocks [c * chunk_blocks, (c + 1) * chunk_blocks),
// in two dispatches. SPLIT_PHASE 1 folds each chunk and stores its state in partials; SPLIT_PHASE 2 merges
// the row's partial states and writes the chunk's outputs. SPLIT_PHASE 0 (params.chunks = 1): one workgroup
// per row does both passes in one dispatch. Between the phases v lives in the stash or is regenerated:
// workgroup memory (the row cache) does not outlive a dispatch. Requires struct RowState, fn state_merge,
// fn reduce_state, and each direction's pass 1 and pass 2 over a chunk's blocks [first, end):
// fn fold_chunk(li, row, logit_row, data_row, first, end) -> RowState and
// fn write_chunk(li, row, logit_row, data_row, first, end, total), where data_row is where the sample-row
// starts in the outputs (forward) or in dy and dl (backward).

override SPLIT_PHASE: u32 = 0u;

// Output stores plain for whole blocks, by a loop over lanes otherwise (lane-store.wgsl): faster on the H100
// and H200 in these kernels.
const UNROLLED_LANE_STORES: bool = false;

@group(0) @binding(6) var<storage, read_write> partials: array<RowState>;

// The blocks of a row that workgroup w of the dispatch handles; params.chunk_blocks >= every row's blocks
// when rows are not split.
struct Chunk {
  q: u32,     // the row within the dispatch
  c: u32,     // the chunk within the row
  first: u32, // its first block
  end: u32,   // one past its last block, clamped to the row by chunk_end
}

fn chunk_of(w: u32) -> Chunk {
  let c = w % params.chunks;
  let first = c * params.chunk_blocks;
  return Chunk(w / params.chunks, c, first, first + params.chunk_blocks);
}

fn chunk_end(ch: Chunk, blocks: u32) -> u32 {
  return min(ch.end, blocks);
}

// Whether the row cache may be used: only when one dispatch does both passes.
fn cache_allowed() -> bool {
  return SPLIT_PHASE == 0u;
}

var<workgroup> row_total: RowState;

// The whole row's state from its chunks' partial states: merged in chunk order by invocation 0, then
// shared, so the merge costs one invocation per workgroup rather than all of them.
fn merge_partials(li: u32, q: u32, tau: f32) -> RowState {
  if (li == 0u) {
    var total = state_empty();
    for (var c = 0u; c < params.chunks; c++) {
      total = state_merge(total, partials[q * params.chunks + c], tau);
    }
    row_total = total;
  }
  return workgroupUniformLoad(&row_total);
}

// The row's total state in this phase: in phase 2 merged from the chunks' partial states (`st` is unused);
// otherwise the workgroup reduction of this workgroup's state `st`, which phase 1 also stores in partials.
fn chunk_total(li: u32, w: u32, q: u32, st: RowState, tau: f32) -> RowState {
  if (SPLIT_PHASE == 2u) {
    return merge_partials(li, q, tau);
  }
  let total = reduce_state(st, tau, li);
  if (SPLIT_PHASE == 1u && li == 0u) {
    partials[w] = total;
  }
  return total;
}

// Workgroup w of the dispatch: a whole row, or one chunk of a row in SPLIT_PHASE 1 or 2.
fn row_chunk(li: u32, w: u32) {
  let ch = chunk_of(w);
  if (ch.q >= params.rows) {
    return;
  }
  let row = row_setup(ch.q);
  let logit_row = row.r * params.k - params.logit_base;
  let data_row = row.g * params.k - params.out_base;
  let end = chunk_end(ch, row.blocks);

  var st = state_empty();
  if (SPLIT_PHASE != 2u) {
    st = fold_chunk(li, row, logit_row, data_row, ch.first, end); // phase 2 reads the states from partials
  }
  let total = chunk_total(li, w, ch.q, st, row.tau);
  if (SPLIT_PHASE == 1u) {
    return;
  }
  write_chunk(li, row, logit_row, data_row, ch.first, end, total);
}
