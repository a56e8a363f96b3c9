// Gumbel-Softmax backward (soft and straight-through), one workgroup per row of one sample (subgroup reduction).
//!include softmax-backward-row.wgsl
//!include reduce-subgroups.wgsl
//!include backward-bindings.wgsl

// Invocations per row: a power of two from 32 to 256 that the host picks from K (src/ops/gumbel-softmax.ts).
override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) li: u32,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(subgroup_id) sg: u32,
  @builtin(num_subgroups) sgs: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  subgroup_setup(sg, sgs, lane, size);
  row_chunk(li, wid.x + wid.y * groups.x);
}
