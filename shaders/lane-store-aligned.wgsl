// lane-store.wgsl for rows aligned to 4 (the `aligned` variant, forward-rows-aligned.wgsl): every block lies
// wholly inside its row and is one vec4 of STORE_OUT.
fn STORE_FN(row: u32, br: u32, lead: u32, v: vec4f) {
  STORE_OUT[(row >> 2u) + br] = v;
}
