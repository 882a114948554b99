#!/usr/bin/env bash
# Unpack Debian's graphviz and the libraries it needs that the system lacks into .tools/graphviz
# (gitignored), with a wrapper .tools/bin/dot that finds them; registers the plugins (`dot -c`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v apt-get >/dev/null && command -v dpkg >/dev/null || exit 1
root=$PWD/.tools/graphviz
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
# graphviz and its dependencies (recursively) that are not installed; fonts and the like are
# alternatives of installed packages or not needed to lay out and write SVG
pkgs=graphviz
for p in $(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances --no-pre-depends graphviz | grep -E '^lib' | sort -u); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || pkgs="$pkgs $p"
done
# shellcheck disable=SC2086
(cd "$debs" && apt-get download $pkgs 2>&1 | grep -v -E '^(Get:|Fetched|W: Download is performed unsandboxed)' || true)
rm -rf "$root" && mkdir -p "$root" .tools/bin
for f in "$debs"/*.deb; do dpkg -x "$f" "$root"; done
libdir=$(dirname "$(find "$root/usr/lib" -name 'libgvc.so.*' | head -n1)")
lib=${libdir#"$root"/}  # usr/lib/<triplet>: the wrapper finds the tree beside itself, wherever it is
cat > .tools/bin/dot <<WRAP
#!/bin/sh
root=\$(cd "\$(dirname "\$0")/../graphviz" && pwd)
LD_LIBRARY_PATH="\$root/$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" GVBINDIR="\$root/$lib/graphviz" \\
    exec "\$root/usr/bin/dot" "\$@"
WRAP
chmod +x .tools/bin/dot
.tools/bin/dot -c
echo 'digraph { a -> b }' | .tools/bin/dot -Tsvg >/dev/null
