// Workgroup reduction of RowState with subgroup operations: one reduction inside each subgroup, then
// every invocation merges the per-subgroup results in subgroup order (at most WG / 4 of them).
// Requires const WG and subgroup_setup() called first by the entry point.
enable subgroups;

var<workgroup> reduce_scratch: array<RowState, WG / 4u>; // subgroups have at least 4 invocations
var<private> sg_id: u32;
var<private> sg_count: u32;
var<private> sg_lane: u32;

fn subgroup_setup(id: u32, count: u32, lane: u32) {
  sg_id = id;
  sg_count = count;
  sg_lane = lane;
}

fn subgroup_reduce(st: RowState, tau: f32) -> RowState {
  let has = st.count > 0u;
  let m = subgroupMax(select(-F32_MAX, st.m, has));
  let d = select(0.0, rescale(st.m, m, tau), has);
  let k = subgroupMin(select(NO_INDEX, st.k, has && st.m == m));
  let count = subgroupAdd(st.count);
  return RowState(m, subgroupAdd(st.s * d), subgroupAdd(st.dot * d), subgroupAdd(st.sum_dl), k, count, subgroupOr(st.bad), 0u);
}

fn reduce_state(st: RowState, tau: f32, li: u32) -> RowState {
  let part = subgroup_reduce(st, tau);
  if (sg_lane == 0u) {
    reduce_scratch[sg_id] = part;
  }
  workgroupBarrier();
  var total = reduce_scratch[0];
  for (var i = 1u; i < sg_count; i++) {
    total = state_merge(total, reduce_scratch[i], tau);
  }
  workgroupBarrier(); // everyone has read the slots before a later reduction overwrites them
  return total;
}
