// The forward's row data, read and written a Philox block (four elements) at a time, for rows at any stream
// position: lane by lane. forward-rows-aligned.wgsl stands in for this piece in the `aligned` variant of the
// kernels (tools/wgsl-kernel.ts), which src/ops/gumbel-softmax.ts takes for rows aligned to 4.

@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read_write> y_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> log_softmax_out: array<f32>;

// logit_block, y_load, log_softmax_load: block br of a row (lane-load.wgsl); y_store, log_softmax_store: its
// lanes inside the row (lane-store.wgsl). The loads of y and logSoftmax read back the stash.
//!instance lane-load.wgsl LOAD_FN=logit_block LOAD_IN=logits
//!instance lane-load.wgsl LOAD_FN=y_load LOAD_IN=y_out
//!instance lane-load.wgsl LOAD_FN=log_softmax_load LOAD_IN=log_softmax_out
//!instance lane-store.wgsl STORE_FN=y_store STORE_OUT=y_out
//!instance lane-store.wgsl STORE_FN=log_softmax_store STORE_OUT=log_softmax_out
