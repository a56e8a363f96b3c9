// A template: `//!instance lane-store.wgsl` composes it once per output, with that output's function name for
// STORE_FN and its array for STORE_OUT (forward-rows.wgsl: y and logSoftmax; backward-rows.wgsl: dLogits),
// since WGSL cannot pass a storage array to a function without unrestricted_pointer_parameters.
// fn STORE_FN stores the lanes of block br that lie inside the row (k < K) into STORE_OUT, from row = the row's
// first element; br must hold an element of the row. UNROLLED_LANE_STORES (set by row-by-invocation.wgsl and
// row-split.wgsl) picks four stores with constant lane indices and no branch (aliased_values), or four plain
// stores where the block lies wholly inside the row and a loop over lanes with a branch each where it does
// not (a row's first and last blocks). The by-invocation kernels, which SwiftShader runs for rows of any
// length, were 6-50% faster there with the aliased stores (through Dawn, forward at 4096 x 8 to 256 x 32768),
// while the H100's workgroup kernels were 4-6% slower with them where they stash (4096 x 4096, 512 x 32768)
// than with the loop alone. The plain stores for whole blocks took the workgroup kernels on an H200 from 0.156
// to 0.135 ms (forward soft, 512 x 32768) and from 0.222 to 0.174 (64 x 262144), bit-identical. Requires
// lane_k, load_k and aliased_values (softmax-forward.wgsl).
fn STORE_FN(row: u32, br: u32, lead: u32, v: vec4f) {
  if (UNROLLED_LANE_STORES) {
    let at = vec4u(row) + load_k(br, lead);
    let w = aliased_values(v, br, lead);
    STORE_OUT[at.x] = w.x;
    STORE_OUT[at.y] = w.y;
    STORE_OUT[at.z] = w.z;
    STORE_OUT[at.w] = w.w;
  } else {
    let k = lane_k(br, lead);
    if (all(k < vec4u(params.k))) {
      let at = vec4u(row) + k;
      STORE_OUT[at.x] = v.x;
      STORE_OUT[at.y] = v.y;
      STORE_OUT[at.z] = v.z;
      STORE_OUT[at.w] = v.w;
    } else {
      for (var lane = 0u; lane < 4u; lane++) {
        if (k[lane] < params.k) {
          STORE_OUT[row + k[lane]] = v[lane];
        }
      }
    }
  }
}
