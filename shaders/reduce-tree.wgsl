// Workgroup reduction of RowState through shared memory: log2(WG) halving steps. The fallback for
// adapters without subgroups. Requires override WG, a power of two.

var<workgroup> reduce_scratch: array<RowState, WG>;

fn reduce_state(st: RowState, tau: f32, li: u32) -> RowState {
  reduce_scratch[li] = st;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (li < stride) {
      reduce_scratch[li] = state_merge(reduce_scratch[li], reduce_scratch[li + stride], tau);
    }
    workgroupBarrier();
  }
  let total = reduce_scratch[0];
  workgroupBarrier(); // everyone has read slot 0 before a later reduction overwrites it
  return total;
}
