#!/usr/bin/env bash
# Set up benchmarks/.venv (on first use, and again whenever the requirements or
# pins change), then run the benchmark scripts, keeping what they print and a
# JSON of their figures under benchmarks/results/<timestamp>/.
#
#   benchmarks/run.sh [--setup-only] [SCRIPT ...] [OPTION ...]
#
#   SCRIPT   transform sampling speed floor backends quality, or all (the default), in that order;
#            timegan (TimeGAN on Sines and Stocks, hours at the paper's budget) only by name
#   OPTION   passed to every script: --quick, --data PATH, --meta PATH, --rows N,
#            --repeats N, --seed N, --methods ctgan,tvae, --genesis-threads N,
#            --peer-threads N. Script-specific flags (--epochs, --n, --no-peer, ...):
#            run the script itself, e.g. benchmarks/.venv/bin/python benchmarks/bench_speed.py -h
#
# Examples:
#   benchmarks/run.sh --quick                        # smoke run of everything (~10 min)
#   benchmarks/run.sh --data /path/to/adult.csv      # the full run (see README.md: hours)
#   benchmarks/run.sh speed --data /path/to/adult.csv
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"   # requirements.txt names ../genesis-* relative to this folder
PYTHON="${PYTHON:-python3}"
VENV="$HERE/.venv"
ALL=(transform sampling speed floor backends quality)

scripts=()
opts=()
setup_only=0
for arg in "$@"; do
    case "$arg" in
        transform|sampling|speed|floor|backends|quality|timegan) scripts+=("$arg") ;;
        all) scripts+=("${ALL[@]}") ;;
        --setup-only) setup_only=1 ;;
        *) opts+=("$arg") ;;
    esac
done
[ ${#scripts[@]} -eq 0 ] && scripts=("${ALL[@]}")

# ---- environment: ctgan 0.12.1's dependencies (rdt, sdmetrics) need pandas<3, so the
# peer cannot share the main .venv; torch stays the CPU build through ../constraints.txt.
want="$(cat requirements.txt ../constraints.txt ../genesis-core/pyproject.toml \
    ../genesis-torch/pyproject.toml ../genesis-tensorflow/pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if [ "$(cat "$VENV/.requirements-sha256" 2>/dev/null || true)" != "$want" ]; then
    echo "installing benchmarks/requirements.txt with ../constraints.txt (a few minutes the first time)"
    "$VENV/bin/pip" install --quiet -c ../constraints.txt -r requirements.txt 2>&1 \
        | grep -v "is ignored: it is neither a file nor a directory" || true
    "$VENV/bin/pip" check
    echo "$want" > "$VENV/.requirements-sha256"
fi
[ "$setup_only" -eq 1 ] && exit 0

# ---- run
export PYTHONUNBUFFERED=1
label="$(date +%Y%m%d-%H%M%S)"
for opt in "${opts[@]}"; do [ "$opt" = "--quick" ] && label="$label-quick"; done
out="$HERE/results/$label"
mkdir -p "$out"
status=0
for name in "${scripts[@]}"; do
    echo
    echo "### bench_$name.py ${opts[*]}"
    if ! "$VENV/bin/python" "bench_$name.py" "${opts[@]}" --json "$out/$name.json" 2>&1 \
        | tee "$out/$name.txt"; then
        status=1
        echo "bench_$name.py failed (output kept in $out/$name.txt)"
    fi
done
echo
echo "results in $out"
exit "$status"
