// Gumbel-Softmax forward for short rows (K <= SHORT_K), one invocation per sample-row, so a workgroup
// packs WG rows and needs no reduction: the architecture-search case of many edges with few operations.
//!include dispatch.wgsl
//!include softmax-outputs.wgsl

const WG: u32 = 64u;
const SHORT_BLOCKS: u32 = 17u; // a row of SHORT_K = 64 elements spans at most 17 Philox blocks

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> taus: array<f32>;
@group(0) @binding(3) var<storage, read_write> y_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> log_softmax_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> index_out: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = flat_index(gid, groups, WG);
  if (q >= params.rows) {
    return;
  }
  let g = params.first_row + q;
  let r = g % params.batch_rows;
  let tau = row_tau(r);
  let pos = row_position(g);
  let lead = pos.x & 3u;
  let blocks = (lead + params.k + 3u) / 4u;

  var cache: array<Lanes, SHORT_BLOCKS>;
  var st = state_empty();
  for (var br = 0u; br < blocks; br++) {
    cache[br] = row_lanes(pos, lead, br, r * params.k - params.logit_base);
    push_lanes(&st, cache[br], br, lead, tau, vec4f(), vec4f());
  }
  let row_ok = st.bad == 0u && st.count > 0u && tau_is_valid(tau);
  let ln_s = ln_accurate(max(st.s, 1.0));
  for (var br = 0u; br < blocks; br++) {
    write_lanes(cache[br], br, lead, g * params.k - params.out_base, st, ln_s, tau, row_ok);
  }
  if (WRITE_INDEX) {
    index_out[g - params.index_base] = select(NO_INDEX, st.k, row_ok);
  }
}
