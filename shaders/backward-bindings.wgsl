// The bindings of the three Gumbel-Softmax backward kernels: those of the row data (logits, dy, dLogSoftmax,
// dLogits) in backward-rows.wgsl, whose element type depends on the kernel's variant. 6 is partials
// (row-split.wgsl).
//!include backward-rows.wgsl

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(2) var<storage, read> taus: array<f32>;
