#!/usr/bin/env bash
# Writes the git commit this code is built from (and whether the work tree had uncommitted
# changes) to the properties file named by $1, for dev.trainforge.version.CodeVersion. Run by
# Maven at generate-resources. Without git or outside a git work tree (a source tarball) it writes
# "unknown" and succeeds: the build never fails for want of a commit.
set -u
out="$1"
mkdir -p "$(dirname "$out")"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 0
commit=unknown
dirty=unknown
time=unknown
if command -v git >/dev/null 2>&1 && c=$(git rev-parse --verify -q HEAD 2>/dev/null); then
  commit="$c"
  time=$(git log -1 --format=%cI HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    dirty=true
  else
    dirty=false
  fi
fi
content=$(printf 'commit=%s\ncommit-time=%s\ndirty=%s\n' "$commit" "$time" "$dirty")
# Rewritten only when it changes, so that an unchanged tree does not rebuild the jar's resources.
if [ ! -f "$out" ] || [ "$(cat "$out")" != "$content" ]; then
  printf '%s\n' "$content" > "$out"
fi
exit 0
