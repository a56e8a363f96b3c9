// Gumbel-Softmax backward for short rows (K <= SHORT_K), one invocation per row of one sample.
//!include dispatch.wgsl
//!include softmax-backward.wgsl

const WG: u32 = 64u;
const SHORT_BLOCKS: u32 = 17u; // a row of SHORT_K = 64 elements spans at most 17 Philox blocks

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> taus: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> dl: array<f32>;
@group(0) @binding(5) var<storage, read_write> d_logits: array<f32>;

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
  var grad_cache: array<Grads, SHORT_BLOCKS>;
  var st = state_empty();
  for (var br = 0u; br < blocks; br++) {
    cache[br] = row_lanes(pos, lead, br, r * params.k - params.logit_base);
    grad_cache[br] = read_grads(br, lead, g * params.k - params.out_base);
    push_lanes(&st, cache[br], br, lead, tau, grad_cache[br].dy, grad_cache[br].dl);
  }
  let row_ok = st.bad == 0u && st.count > 0u && tau_is_valid(tau);
  let ln_s = ln_accurate(max(st.s, 1.0));
  for (var br = 0u; br < blocks; br++) {
    write_grads(cache[br], grad_cache[br], br, lead, r * params.k - params.logit_base, st, ln_s, tau, row_ok);
  }
}
