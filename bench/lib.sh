# Shared by the bench scripts (sourced, not run): the cached generated corpus and
# the median/min/max of a per-run figure.

# generate_corpus N DIR: ../shared/tools/gen-corpus --episodes N --seed 1 into
# DIR/content, once; the .complete stamp keeps a killed generation from being reused.
# Needs $TOOLS.
generate_corpus() {
    local n=$1 dir=$2
    if [ ! -f "$dir/.complete" ]; then
        echo "generating $n episodes into $dir…" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        "$TOOLS/gen-corpus" --episodes "$n" --seed 1 "$dir/content" >/dev/null
        touch "$dir/.complete"
    fi
}

# stats LOG COLUMN-EXPR: "median min max" of a per-run figure.
stats() {
    awk "{ print $2 }" "$1" | sort -g | awk '
        { v[NR] = $1 }
        END {
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%s %s %s\n", m, v[1], v[NR]
        }'
}

# median LOG COLUMN-EXPR
median() { stats "$1" "$2" | cut -d' ' -f1; }
