// The bindings of the three Gumbel-Softmax forward kernels: those of the row data (logits, y, logSoftmax) in
// forward-rows.wgsl, whose element type depends on the kernel's variant. 6 is partials (row-split.wgsl).
//!include forward-rows.wgsl

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(2) var<storage, read> taus: array<f32>;
@group(0) @binding(5) var<storage, read_write> index_out: array<u32>;
