// A template, like lane-store.wgsl: `//!instance lane-load.wgsl LOAD_FN=name LOAD_IN=array` composes it once per
// array a kernel reads a Philox block of a row from (forward-rows.wgsl, backward-rows.wgsl).
// fn LOAD_FN returns the four elements of block br from LOAD_IN, from row = the row's first element; a lane
// outside the row loads the block's last element in the row (load_k: no branch, and never an element another
// invocation writes), whose value the caller discards. Requires load_k (softmax-forward.wgsl).
fn LOAD_FN(row: u32, br: u32, lead: u32) -> vec4f {
  let at = vec4u(row) + load_k(br, lead);
  return vec4f(LOAD_IN[at.x], LOAD_IN[at.y], LOAD_IN[at.z], LOAD_IN[at.w]);
}
