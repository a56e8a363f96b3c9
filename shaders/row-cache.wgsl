// A row's v = logit + noise in workgroup memory, one f32 per element (masked elements as -inf bits), so
// rows of up to CACHE_FLOATS elements read their logits and generate their noise once. Pass 1 stores a block
// and pass 2 loads it in the same invocation, so no barrier is needed between them. The host sizes
// CACHE_FLOATS from the device's workgroup storage (src/ops/gumbel-softmax.ts).
override CACHE_FLOATS: u32 = 1024u;

var<workgroup> v_cache: array<f32, CACHE_FLOATS>;

// Whether every lane of block br that lies in the row is cached.
fn block_cached(br: u32, lead: u32) -> bool {
  return min(4u * br + 3u - lead, params.k - 1u) < CACHE_FLOATS;
}

fn cache_store(x: Lanes, br: u32, lead: u32) {
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    if (k < params.k && k < CACHE_FLOATS) {
      v_cache[k] = select(x.v[lane], f32_from_bits(NEG_INF_BITS), x.kind[lane] == MASKED);
    }
  }
}

// The lanes of a cached block. An invalid logit reads back as FINITE: its row's outputs are NaN regardless.
fn cache_load(br: u32, lead: u32) -> Lanes {
  var out: Lanes;
  for (var lane = 0u; lane < 4u; lane++) {
    let k = 4u * br + lane - lead;
    out.kind[lane] = MASKED;
    if (k < params.k) {
      let v = v_cache[k];
      out.v[lane] = v;
      out.kind[lane] = select(FINITE, MASKED, bitcast<u32>(v) == NEG_INF_BITS);
    }
  }
  return out;
}
