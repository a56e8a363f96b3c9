// forward-rows.wgsl in the `aligned` variant: K, the stream offset and the bases of the bound ranges are
// multiples of 4 (src/ops/gumbel-softmax.ts, rowsAligned), so every row starts a Philox block (lead 0) and an
// aligned vec4, and every block lies inside its row: the row data is bound as vec4s, and a block is one load
// or one store instead of four (fewer accesses, each with its own bounds clamp under robustness: README,
// "Choices measured").

@group(0) @binding(1) var<storage, read> logits: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y_out: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> log_softmax_out: array<vec4f>;

//!instance lane-load-aligned.wgsl LOAD_FN=logit_block LOAD_IN=logits
//!instance lane-load-aligned.wgsl LOAD_FN=y_load LOAD_IN=y_out
//!instance lane-load-aligned.wgsl LOAD_FN=log_softmax_load LOAD_IN=log_softmax_out
//!instance lane-store-aligned.wgsl STORE_FN=y_store STORE_OUT=y_out
//!instance lane-store-aligned.wgsl STORE_FN=log_softmax_store STORE_OUT=log_softmax_out
