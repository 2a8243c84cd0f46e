# Sourced by the scripts that prepare a device call (prepare-train.sh, pack-carry.sh): how much a call can carry.
# A device call carries 64 MiB IN ALL: the working tree (tracked files and untracked files git does not ignore)
# travels with every call, so the carried paths get what is left, less 1 MiB of margin.
#   carry_tree_bytes            bytes of the working tree that travels
#   carry_room_mib TREE [BYTES] MiB left for carried files, after TREE bytes of working tree (carry_tree_bytes), BYTES
#                               more (default 0) and the margin
#   carry_mib BYTES             BYTES as MiB with one decimal
# CARRY_ROOM_MIB, where set, replaces the computed room (tests use it to cut small parts).
CARRY_LIMIT_MIB=64
carry_tree_bytes() {
  (cd "$(git rev-parse --show-toplevel)" && { git ls-files -z; git ls-files -z --others --exclude-standard; } \
    | xargs -0 -r stat -c %s -- 2>/dev/null | awk '{s += $1} END {print s + 0}')
}
carry_room_mib() {
  if [ -n "${CARRY_ROOM_MIB:-}" ]; then echo "$CARRY_ROOM_MIB"; return; fi
  awk -v t="$1" -v x="${2:-0}" -v l="$CARRY_LIMIT_MIB" 'BEGIN {printf "%.1f", (l * 1048576 - t - x) / 1048576 - 1}'
}
carry_mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
