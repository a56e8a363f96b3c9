#!/usr/bin/env bash
# Packs what `node bench/run.mjs --node` needs beyond ../shared/tools/gpu-kit.sh on a bare GPU machine: TF.js's
# Node builds (the benchmark's comparison) and the Vulkan loader libraries NVIDIA's driver links against.
# Run from the project root after `npm ci`; it writes .bench-kit/ (git-ignored through .git/info/exclude).
# On the GPU machine, carry .gpu-kit, .bench-kit and dist, and run from the project root:
#   . .bench-kit/setup.sh && node bench/run.mjs --node
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
kit=.bench-kit
grep -qxF "/$kit/" .git/info/exclude 2>/dev/null || echo "/$kit/" >> .git/info/exclude
rm -rf "$kit" && mkdir -p "$kit/deb" "$kit/node_modules/@tensorflow"
for p in tfjs-core:tf-core tfjs-backend-webgpu:tf-backend-webgpu; do
  dir=${p%%:*} file=${p##*:}
  mkdir -p "$kit/node_modules/@tensorflow/$dir/dist"
  cp "node_modules/@tensorflow/$dir/package.json" "$kit/node_modules/@tensorflow/$dir/"
  cp "node_modules/@tensorflow/$dir/dist/$file.node.js" "$kit/node_modules/@tensorflow/$dir/dist/"
done
# What tf-core.node.js requires.
for p in seedrandom node-fetch whatwg-url tr46 webidl-conversions; do cp -r "node_modules/$p" "$kit/node_modules/"; done
lists=$(mktemp -d); trap 'rm -rf "$lists"' EXIT
o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
mkdir -p "$lists/partial"
apt-get $o update -qq >/dev/null 2>&1
(cd "$kit/deb" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1)
cat > "$kit/setup.sh" <<'EOS'
# source this on the GPU machine, from the project root: . .bench-kit/setup.sh
# NVIDIA's Vulkan ICD (libGLX_nvidia) needs the GL vendor-neutral dispatch libraries; Dawn needs the loader.
for f in .bench-kit/deb/*.deb; do dpkg -x "$f" /; done; ldconfig
egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f $egl ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
. .gpu-kit/setup.sh
cp -r .bench-kit/node_modules/* node_modules/
EOS
du -sh "$kit"
