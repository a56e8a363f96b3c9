// The bindings of the three Gumbel-Softmax forward kernels.

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> taus: array<f32>;
@group(0) @binding(3) var<storage, read_write> y_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> log_softmax_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> index_out: array<u32>;
// The logits again, as vec4s, for rows aligned to 4 (ALIGNED_ROWS, softmax-forward.wgsl); 6 is partials.
@group(0) @binding(7) var<storage, read> logits4: array<vec4f>;
