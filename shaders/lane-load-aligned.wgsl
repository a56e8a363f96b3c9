// lane-load.wgsl for rows aligned to 4 (the `aligned` variant, forward-rows-aligned.wgsl): lead is 0, row a
// multiple of 4 and LOAD_IN an array of vec4s, so block br of the row is one vec4.
fn LOAD_FN(row: u32, br: u32, lead: u32) -> vec4f {
  return LOAD_IN[(row >> 2u) + br];
}
