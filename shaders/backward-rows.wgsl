// The backward's row data, read and written a Philox block (four elements) at a time, for rows at any stream
// position: lane by lane. backward-rows-aligned.wgsl stands in for this piece in the `aligned` variant of the
// kernels (tools/wgsl-kernel.ts), which src/ops/gumbel-softmax.ts takes for rows aligned to 4.

@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> dl: array<f32>;
@group(0) @binding(5) var<storage, read_write> d_logits: array<f32>;

// logit_block, dy_load, dl_load, d_logits_load: block br of a row (lane-load.wgsl; d_logits_load reads back the
// stash); d_logits_store: its lanes inside the row (lane-store.wgsl).
//!instance lane-load.wgsl LOAD_FN=logit_block LOAD_IN=logits
//!instance lane-load.wgsl LOAD_FN=dy_load LOAD_IN=dy
//!instance lane-load.wgsl LOAD_FN=dl_load LOAD_IN=dl
//!instance lane-load.wgsl LOAD_FN=d_logits_load LOAD_IN=d_logits
//!instance lane-store.wgsl STORE_FN=d_logits_store STORE_OUT=d_logits

// The lanes of block br inside the row (k < K) added to dLogits, from row = the row's first element, with
// UNROLLED_LANE_STORES and the plain stores of whole blocks as in lane-store.wgsl (an addition keeps a branch
// per lane where UNROLLED_LANE_STORES: aliased lanes would add twice).
fn d_logits_add(row: u32, br: u32, lead: u32, v: vec4f) {
  let k = lane_k(br, lead);
  if (UNROLLED_LANE_STORES) {
    let inside = k < vec4u(params.k);
    if (inside.x) { d_logits[row + k.x] += v.x; }
    if (inside.y) { d_logits[row + k.y] += v.y; }
    if (inside.z) { d_logits[row + k.z] += v.z; }
    if (inside.w) { d_logits[row + k.w] += v.w; }
  } else {
    if (all(k < vec4u(params.k))) {
      let at = vec4u(row) + k;
      d_logits[at.x] += v.x;
      d_logits[at.y] += v.y;
      d_logits[at.z] += v.z;
      d_logits[at.w] += v.w;
    } else {
      for (var lane = 0u; lane < 4u; lane++) {
        if (k[lane] < params.k) {
          d_logits[row + k[lane]] += v[lane];
        }
      }
    }
  }
}
