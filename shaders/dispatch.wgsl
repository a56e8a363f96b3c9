// The flat invocation index of a dispatch that the host folded into 2-D (x * y workgroups of wg_size)
// when it needed more than maxComputeWorkgroupsPerDimension workgroups.
fn flat_index(gid: vec3u, num_groups: vec3u, wg_size: u32) -> u32 {
  return gid.x + gid.y * num_groups.x * wg_size;
}
