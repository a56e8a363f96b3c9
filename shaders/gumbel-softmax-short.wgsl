// Gumbel-Softmax forward for short rows (K <= SHORT_K), one invocation per sample-row, so a workgroup
// packs WG rows and needs no reduction: the architecture-search case of many edges with few operations.
//!include dispatch.wgsl
//!include softmax-outputs.wgsl
//!include forward-bindings.wgsl

const WG: u32 = 64u;
const SHORT_BLOCKS: u32 = 17u; // a row of SHORT_K = 64 elements spans at most 17 Philox blocks

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = flat_index(gid, groups, WG);
  if (q >= params.rows) {
    return;
  }
  let row = row_setup(q);

  var cache: array<Lanes, SHORT_BLOCKS>;
  var st = state_empty();
  for (var br = 0u; br < row.blocks; br++) {
    cache[br] = row_lanes(row.pos, row.lead, br, row.r * params.k - params.logit_base);
    push_lanes(&st, cache[br], br, row.lead, row.tau, vec4f(), vec4f());
  }
  let row_ok = st.bad == 0u && st.count > 0u && tau_is_valid(row.tau);
  let ln_s = ln_accurate(max(st.s, 1.0));
  for (var br = 0u; br < row.blocks; br++) {
    write_lanes(cache[br], br, row.lead, row.g * params.k - params.out_base, st, ln_s, row.tau, row_ok);
  }
  if (WRITE_INDEX) {
    index_out[row.g - params.index_base] = select(NO_INDEX, st.k, row_ok);
  }
}
