// A row's v = logit + noise in workgroup memory, one f32 per element (masked elements as -inf bits), so
// rows of up to CACHE_FLOATS elements read their logits and generate their noise once. Pass 1 stores a block
// and pass 2 loads it in the same invocation, so no barrier is needed between them. The host sizes
// CACHE_FLOATS from the device's workgroup storage (src/ops/gumbel-softmax.ts).
override CACHE_FLOATS: u32 = 1024u;

var<workgroup> v_cache: array<f32, CACHE_FLOATS>;

// Whether every lane of block br that lies in the row is cached.
fn block_cached(br: u32, lead: u32) -> bool {
  return block_last(br, lead) < CACHE_FLOATS;
}

fn cache_store(x: Lanes, br: u32, lead: u32) {
  let k = lane_k(br, lead);
  let v = v_to_store(x);
  for (var lane = 0u; lane < 4u; lane++) {
    if (k[lane] < params.k && k[lane] < CACHE_FLOATS) {
      v_cache[k[lane]] = v[lane];
    }
  }
}

fn cache_load(br: u32, lead: u32) -> Lanes {
  let k = lane_k(br, lead);
  let at = load_k(br, lead); // below CACHE_FLOATS when block_cached
  return lanes_from_v(vec4f(v_cache[at.x], v_cache[at.y], v_cache[at.z], v_cache[at.w]), k);
}
