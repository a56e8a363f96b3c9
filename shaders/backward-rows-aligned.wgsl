// backward-rows.wgsl in the `aligned` variant (see forward-rows-aligned.wgsl): the row data bound as vec4s, a
// block one load or one store.

@group(0) @binding(1) var<storage, read> logits: array<vec4f>;
@group(0) @binding(3) var<storage, read> dy: array<vec4f>;
@group(0) @binding(4) var<storage, read> dl: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> d_logits: array<vec4f>;

//!instance lane-load-aligned.wgsl LOAD_FN=logit_block LOAD_IN=logits
//!instance lane-load-aligned.wgsl LOAD_FN=dy_load LOAD_IN=dy
//!instance lane-load-aligned.wgsl LOAD_FN=dl_load LOAD_IN=dl
//!instance lane-load-aligned.wgsl LOAD_FN=d_logits_load LOAD_IN=d_logits
//!instance lane-store-aligned.wgsl STORE_FN=d_logits_store STORE_OUT=d_logits

// Block br added to dLogits (samples after the first).
fn d_logits_add(row: u32, br: u32, lead: u32, v: vec4f) {
  d_logits[(row >> 2u) + br] += v;
}
