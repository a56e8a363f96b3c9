// Gumbel-Softmax forward, one workgroup per sample-row (shared-memory tree reduction).
//!include softmax-forward-row.wgsl
//!include reduce-tree.wgsl

// Invocations per row: a power of two from 32 to 256 that the host picks from K (src/ops/gumbel-softmax.ts).
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> taus: array<f32>;
@group(0) @binding(3) var<storage, read_write> y_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> log_softmax_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> index_out: array<u32>;

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) li: u32,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) groups: vec3u
) {
  forward_row(li, wid.x + wid.y * groups.x);
}
