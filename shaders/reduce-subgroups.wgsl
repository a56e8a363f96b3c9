// Workgroup reduction of RowState with subgroup operations: one reduction inside each subgroup, then each
// subgroup merges the per-subgroup results (at most WG / 4 of them) strided over its lanes and reduces again.
// Requires override WG and subgroup_setup() called first by the entry point.
enable subgroups;

var<workgroup> reduce_scratch: array<RowState, WG / 4u>; // subgroups have at least 4 invocations
var<private> sg_id: u32;
var<private> sg_count: u32;
var<private> sg_lane: u32;
var<private> sg_size: u32;

fn subgroup_setup(id: u32, count: u32, lane: u32, size: u32) {
  sg_id = id;
  sg_count = count;
  sg_lane = lane;
  sg_size = size;
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
  // Every subgroup merges the per-subgroup results the same way (lane j takes slots j, j + size, ...), then
  // reduces once more: redundant, but subgroup operations must stay in uniform control flow.
  var acc = state_empty();
  for (var i = sg_lane; i < sg_count; i += sg_size) {
    acc = state_merge(acc, reduce_scratch[i], tau);
  }
  let total = subgroup_reduce(acc, tau);
  workgroupBarrier(); // everyone has read the slots before a later reduction overwrites them
  return total;
}
