"""The ``genesis`` command line: fit, sample, synthesize, evaluate, demo, backends.

Exit codes: 0 ok, 1 error (printed as one ``error: ...`` line on stderr), 2 bad
usage (click's usage errors), 130 interrupted (Ctrl-C). ``--debug`` or
``GENESIS_DEBUG=1`` shows the traceback of an error instead.

Tables are read and written as CSV or Parquet by their extension
(:mod:`genesis.io.tables`). Every output is written atomically, so an error or
Ctrl-C never leaves half a file, and an existing output is only replaced with
``--force``; outputs are checked before any training starts.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from genesis._version import __version__

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from genesis.data.transformer import DataTransformer
    from genesis.evaluation import QualityReport
    from genesis.generator import SyntheticGenerator
    from genesis.timeseries import SequenceTransformer

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

#: The methods that learn a table.
TABLE_METHODS = ("ctgan", "tvae")
#: Every method ``genesis fit`` trains: the table methods and TimeGAN (sequences).
METHODS = (*TABLE_METHODS, "timegan")
#: Where ``genesis demo`` writes by default.
DEMO_DIR = "genesis-demo"
#: Epochs of ``genesis demo``: enough for recognisable data, seconds on a laptop CPU.
DEMO_EPOCHS = 50
_DEBUG_KEY = "genesis.debug"


# --------------------------------------------------------------------------- errors
def _debug_enabled(ctx: click.Context) -> bool:
    env = os.environ.get("GENESIS_DEBUG", "").strip().lower()
    return bool(ctx.meta.get(_DEBUG_KEY)) or env in {"1", "true", "yes", "on"}


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip())


def _describe(exc: BaseException) -> str:
    """One line saying what went wrong."""
    from genesis.errors import GenesisError

    if isinstance(exc, GenesisError):
        return _one_line(str(exc))
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return _one_line(f"{exc.strerror}: {exc.filename}")
    if isinstance(exc, OSError):
        return _one_line(str(exc)) or type(exc).__name__
    try:  # pandas' parse errors, where reading did not already translate them
        import pandas as pd

        if isinstance(exc, (pd.errors.ParserError, pd.errors.EmptyDataError)):
            return _one_line(f"cannot read the table: {exc}")
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return _one_line(
        f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback; "
        "please report it if it looks like a bug)"
    )


class _GenesisGroup(click.Group):
    """Turns every error of a command into one ``error:`` line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            if _debug_enabled(ctx):
                traceback.print_exc()
            click.echo(
                "\nerror: interrupted; no partly written output file was left behind", err=True
            )
            ctx.exit(130)
        except Exception as exc:
            if _debug_enabled(ctx):
                raise
            click.echo(f"error: {_describe(exc)}", err=True)
            ctx.exit(1)


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_DEBUG_KEY] = True


_debug_option = click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="Show the full traceback of an error (also: GENESIS_DEBUG=1).",
)


def _common(func: F) -> F:
    """``--quiet`` and ``--debug``, shared by the working commands."""
    func = _debug_option(func)
    return click.option(
        "-q", "--quiet", is_flag=True, help="No progress bars or messages; only errors."
    )(func)


def _precision_option(help_text: str) -> Callable[[F], F]:
    """``--precision float32|bfloat16`` (default float32), with ``help_text``."""
    return click.option(
        "--precision",
        type=click.Choice(["float32", "bfloat16"], case_sensitive=False),
        default="float32",
        show_default=True,
        help=help_text,
    )


def _force_option(func: F) -> F:
    return click.option("--force", is_flag=True, help="Replace output files that already exist.")(
        func
    )


_method_option = click.option(
    "--method",
    type=click.Choice(METHODS, case_sensitive=False),
    default="ctgan",
    show_default=True,
    help="The generative model (timegan: sequences, with genesis fit and genesis sample).",
)
_table_method_option = click.option(
    "--method",
    type=click.Choice(TABLE_METHODS, case_sensitive=False),
    default="ctgan",
    show_default=True,
    help="The generative model.",
)


@dataclass(frozen=True)
class _Training:
    """How to train: the values of the ``_training_options``, as a command receives them."""

    method: str = "ctgan"
    backend: str | None = None
    epochs: int | None = None
    batch_size: int | None = None
    seed: int | None = None
    device: str = "auto"
    precision: str = "float32"
    threads: int | None = None
    discrete_columns: str | None = None


def _grouped(func: F, argument: str, group: type, options: list[Callable[[Any], Any]]) -> F:
    """Add ``options`` to the command ``func``, which receives them as one argument.

    The options' values are passed as ``argument=group(**values)`` (``group`` a
    dataclass whose fields are the options' names) instead of one keyword each.
    """
    names = [field.name for field in fields(group)]

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        values = group(**{name: kwargs.pop(name) for name in names})
        return func(*args, **{argument: values}, **kwargs)

    for option in reversed(options):
        command = option(command)
    return cast(F, command)


def _training_options(func: F) -> F:
    """The training options, passed to the command as one argument ``training: _Training``."""
    options = [
        _method_option,
        click.option(
            "--backend",
            metavar="NAME",
            default=None,
            help="Framework to train on (torch, tensorflow, ...); default: GENESIS_BACKEND, "
            "else the best installed one. `genesis backends` lists them.",
        ),
        click.option(
            "--epochs",
            type=click.IntRange(min=1),
            default=None,
            help="Training epochs (default: the method's, 300 for both).",
        ),
        click.option(
            "--batch-size", type=click.IntRange(min=1), default=None, help="Rows per training step."
        ),
        click.option(
            "--seed", type=int, default=None, help="Seed for a repeatable fit and sample."
        ),
        click.option(
            "--device",
            type=click.Choice(["auto", "cpu", "cuda", "mps"], case_sensitive=False),
            default="auto",
            show_default=True,
            help="Where to train (auto: GENESIS_DEVICE, else the best the backend sees).",
        ),
        _precision_option(
            "bfloat16: mixed-precision training of CTGAN and TVAE (faster on hardware "
            "with native bfloat16; backends that declare it, e.g. torch)."
        ),
        click.option(
            "--threads",
            type=click.IntRange(min=1),
            default=None,
            help="Framework threads (default: the backend's policy; torch tunes its training "
            "threads while it trains).",
        ),
        click.option(
            "--discrete-columns",
            metavar="A,B,...",
            default=None,
            help="Numeric columns to treat as categories (text and boolean columns always are).",
        ),
    ]
    return _grouped(func, "training", _Training, options)


# -------------------------------------------------------------------------- helpers
def _columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    return names or None


def _parse_conditions(
    _ctx: click.Context, _param: click.Parameter, items: Sequence[str]
) -> dict[str, str]:
    conditions: dict[str, str] = {}
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"{item!r} is not COLUMN=VALUE (for example sex=Female)")
        conditions[column.strip()] = value
    return conditions


def _condition_value(column: str, text: str, values: Sequence[Any]) -> Any:
    """The seen category of ``column`` whose text is ``text``.

    Tried in turn: the exact text (``str(value)``), the text ignoring case
    (``true`` for ``True``), ``yes``/``no``/``1``/``0`` for booleans, the same
    number (``3`` for ``3.0``); an empty text means the missing-value category
    where the column had one.
    """
    from genesis.errors import UnknownValueError

    seen = [v for v in values if v is not None]
    word = text.strip().casefold()
    truth = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    for matches in (
        lambda v: str(v) == text,
        lambda v: str(v).casefold() == word,
        lambda v: isinstance(v, bool) and truth.get(word) is v,
    ):
        found = [v for v in seen if matches(v)]
        if len(found) == 1:
            return found[0]
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        found = [
            v
            for v in seen
            if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v) == number
        ]
        if len(found) == 1:
            return found[0]
    if text.strip() == "" and None in values:
        return None
    shown = ", ".join(repr(str(v)) for v in seen[:20])
    more = f" and {len(seen) - 20} more" if len(seen) > 20 else ""
    raise UnknownValueError(
        f"Column {column!r} never had the value {text!r} in the training data; "
        f"its values are: {shown}{more}"
    )


def _conditions(transformer: DataTransformer, raw: Mapping[str, str]) -> dict[str, Any]:
    """Convert ``--condition`` texts to the values (and types) the model learned."""
    import numpy as np

    converted = {}
    for column, text in raw.items():
        seen = transformer.category_values(column)
        values = [v.item() if isinstance(v, np.generic) else v for v in seen]
        converted[column] = _condition_value(column, text, values)
    return converted


def _sample(
    gen: SyntheticGenerator,
    n: int,
    conditions: Mapping[str, Any],
    quiet: bool,
    precision: str = "float32",
) -> pd.DataFrame:
    """``gen.sample(n)`` in parts of ten library chunks, with a progress bar over rows.

    Each part is one ``sample`` call, so the library's pipeline (the network one
    chunk ahead in a worker thread) runs within it.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from genesis.generator import SAMPLE_CHUNK_ROWS

    part = 10 * SAMPLE_CHUNK_ROWS
    frames: list[pd.DataFrame] = []
    done = 0
    with tqdm(
        total=n,
        desc="sample",
        unit="row",
        disable=quiet or n <= part,
        dynamic_ncols=True,
    ) as bar:
        while done < n:
            rows = min(part, n - done)
            frames.append(gen.sample(rows, conditions or None, precision=precision))
            done += rows
            bar.update(rows)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class _Sequences:
    """TimeGAN's options of ``genesis fit``: how the long table is cut into sequences."""

    entity_column: str | None = None
    order_column: str | None = None
    seq_len: int | None = None
    iterations: int | None = None

    def given(self) -> list[str]:
        """The options that were set, as their flags."""
        return [
            "--" + name.replace("_", "-") for name, value in vars(self).items() if value is not None
        ]


def _sequence_options(func: F) -> F:
    """TimeGAN's options, passed to the command as one argument ``sequences: _Sequences``."""
    options = [
        click.option(
            "--entity-column",
            metavar="NAME",
            default=None,
            help="TimeGAN: the column saying which sequence a row belongs to "
            "(default: the whole table is one sequence).",
        ),
        click.option(
            "--order-column",
            metavar="NAME",
            default=None,
            help="TimeGAN: the column ordering the steps of a sequence (default: row order).",
        ),
        click.option(
            "--seq-len",
            type=click.IntRange(min=2),
            default=None,
            help="TimeGAN: steps per training window and generated sequence (default 24).",
        ),
        click.option(
            "--iterations",
            type=click.IntRange(min=0),
            default=None,
            help="TimeGAN: iterations of each training phase (default 50,000, the paper's).",
        ),
    ]
    return _grouped(func, "sequences", _Sequences, options)


def _dates_read_as_text(data: pd.DataFrame, column: str) -> pd.DataFrame:
    """``data`` with ``column`` parsed as dates when it is text holding ISO 8601 dates.

    A CSV has no dtypes, so an ordering column of dates arrives as text; parsed,
    the generated sequences get dates that start and step like the data's.
    """
    import pandas as pd

    if column not in data.columns or not pd.api.types.is_string_dtype(data[column]):
        return data
    try:
        parsed = pd.to_datetime(data[column], format="ISO8601")
    except (ValueError, TypeError):
        return data
    return data.assign(**{column: parsed})


#: ``genesis fit`` options that a resumed fit takes from the model file instead.
_MODEL_SETTINGS = (
    "method",
    "batch_size",
    "seed",
    "precision",
    "discrete_columns",
    "entity_column",
    "order_column",
    "seq_len",
)


def _refuse_settings_on_resume(ctx: click.Context) -> None:
    """``--resume`` keeps the model's settings: refuse options that would change them."""
    given = [
        "--" + name.replace("_", "-")
        for name in _MODEL_SETTINGS
        if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
    ]
    if given:
        raise click.UsageError(
            f"{', '.join(given)}: a resumed fit keeps the settings saved in the model; "
            "only --epochs/--iterations, --backend, --device and --threads apply"
        )


def _checkpoint_options(output: str | None, every: int | None) -> dict[str, Any]:
    """``fit``'s keyword arguments for ``--checkpoint-every`` (none without it)."""
    return {"checkpoint": output, "checkpoint_every": every} if every else {}


def _resume(
    path: str,
    data: pd.DataFrame | np.ndarray,
    training: _Training,
    sequences: _Sequences,
    output: str,
    checkpoint_every: int | None,
    quiet: bool,
) -> SyntheticGenerator:
    """Load the model at ``path`` and train it on ``data`` for the asked epochs/iterations."""
    import pandas as pd

    from genesis.timeseries.transform import SequenceTransformer

    options: dict[str, Any] = {"verbose": not quiet, "device": training.device.lower()}
    if training.threads is not None:
        options["num_threads"] = training.threads
    gen = _load_model(path, training.backend, options)
    timegan = isinstance(gen.transformer, SequenceTransformer)
    if timegan and training.epochs is not None:
        raise click.UsageError("timegan trains for --iterations per phase, not --epochs")
    if not timegan and sequences.iterations is not None:
        raise click.UsageError("--iterations: only for a timegan model; use --epochs")
    _say(quiet, f"Resuming {gen.method} from {path} ({_trained(gen)}) on {_size(data)}")
    checkpoint = _checkpoint_options(output, checkpoint_every)
    if timegan:
        order = cast("SequenceTransformer", gen.transformer).order_column
        if order is not None and isinstance(data, pd.DataFrame):
            data = _dates_read_as_text(data, order)
        return gen.fit(data, resume=True, iterations=sequences.iterations, **checkpoint)
    return gen.fit(data, resume=True, epochs=training.epochs, **checkpoint)


def _size(data: pd.DataFrame | np.ndarray) -> str:
    """``"1,000 rows × 5 columns"``; an array: ``"100 sequences of 24 steps × 5 features"``."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return f"{len(data):,} rows × {data.shape[1]} columns"
    return f"{data.shape[0]:,} sequences of {data.shape[1]} steps × {data.shape[2]} features"


def _fit(
    data: pd.DataFrame | np.ndarray,
    training: _Training,
    quiet: bool,
    sequences: _Sequences | None = None,
    output: str | None = None,
    checkpoint_every: int | None = None,
) -> SyntheticGenerator:
    import pandas as pd

    from genesis.generator import SyntheticGenerator

    sequences = sequences or _Sequences()
    method = training.method.lower()
    if method != "timegan" and not isinstance(data, pd.DataFrame):
        raise click.UsageError(
            f"an array file holds sequences: use --method timegan, not {method} (or give a table)"
        )
    if method != "timegan" and sequences.given():
        raise click.UsageError(f"{', '.join(sequences.given())}: only with --method timegan")
    if method == "timegan" and training.epochs is not None:
        raise click.UsageError("timegan trains for --iterations per phase, not --epochs")
    options: dict[str, Any] = {
        "seed": training.seed,
        "verbose": not quiet,
        "device": training.device.lower(),
        "precision": training.precision.lower(),
        "num_threads": training.threads,
    }
    if training.epochs is not None:
        options["epochs"] = training.epochs
    if training.batch_size is not None:
        options["batch_size"] = training.batch_size
    if sequences.seq_len is not None:
        options["seq_len"] = sequences.seq_len
    if sequences.iterations is not None:
        options["iterations"] = sequences.iterations
    gen = SyntheticGenerator(method=method, backend=training.backend, **options)
    _say(quiet, f"Fitting {gen.method} on {_size(data)} (backend {gen.backend.name})")
    checkpoint = _checkpoint_options(output, checkpoint_every)
    if method == "timegan":
        if sequences.order_column is not None and isinstance(data, pd.DataFrame):
            data = _dates_read_as_text(data, sequences.order_column)
        return gen.fit(
            data,
            discrete_columns=_columns(training.discrete_columns),
            entity_column=sequences.entity_column,
            order_column=sequences.order_column,
            **checkpoint,
        )
    return gen.fit(data, discrete_columns=_columns(training.discrete_columns), **checkpoint)


def _model_error(path: str, exc: Exception) -> Exception:
    from genesis.errors import ModelFileError

    if isinstance(exc, ModelFileError) and str(path) in str(exc):
        return exc
    return ModelFileError(f"{path} is not a readable Genesis model file: {exc}")


def _is_sequence_model(document: Mapping[str, Any]) -> bool:
    return "sequence_transformer" in document and "transformer" not in document


def _read_document(path: str) -> dict[str, Any]:
    """A model file's JSON document, checked, without loading a backend."""
    from genesis.errors import ModelFileError
    from genesis.io.model_file import read_model_file

    try:
        return read_model_file(path).document
    except (ModelFileError, KeyError, TypeError, ValueError) as exc:
        raise _model_error(path, exc) from exc


def _read_model(path: str) -> tuple[dict[str, Any], DataTransformer]:
    """A table model file's JSON document and data transformer, without loading a backend."""
    from genesis.data.transformer import DataTransformer
    from genesis.errors import ModelFileError

    document = _read_document(path)
    if _is_sequence_model(document):
        raise click.UsageError(
            f"{path} holds a TimeGAN (sequence) model; this command works with CTGAN and TVAE "
            "tables. Sample it with `genesis sample`, or from Python: "
            "SyntheticGenerator.load(path).sample(n_sequences)"
        )
    try:
        return document, DataTransformer.from_state(document["transformer"])
    except (ModelFileError, KeyError, TypeError, ValueError) as exc:
        raise _model_error(path, exc) from exc


def _load_model(path: str, backend: str | None, options: Mapping[str, Any]) -> SyntheticGenerator:
    from genesis.errors import ModelFileError
    from genesis.generator import SyntheticGenerator

    try:
        return SyntheticGenerator.load(path, backend=backend, **options)
    except ModelFileError as exc:
        raise _model_error(path, exc) from exc


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        click.echo(message)


def _check_outputs(
    paths: Sequence[str | os.PathLike[str] | None], force: bool, *, tables: Sequence[str] = ()
) -> None:
    """Fail before any work if an output exists (without ``--force``) or has no known format."""
    from genesis.io.tables import table_format

    for table in tables:
        table_format(table)
    for path in paths:
        if path is None:
            continue
        target = Path(path)
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory; give a file name", str(target))
        if target.exists() and not force:
            raise FileExistsError(f"{target} already exists; use --force to replace it")


def _fit_report(
    gen: SyntheticGenerator, real: pd.DataFrame, synthetic: pd.DataFrame
) -> QualityReport:
    """The quality report of ``synthetic``, sampled from ``gen`` after it learned ``real``."""
    from genesis.evaluation import evaluate

    return evaluate(
        real,
        synthetic,
        history=gen.loss_history,
        discrete_columns=list(cast("DataTransformer", gen.transformer).discrete_columns),
    )


def _write_report(
    report: QualityReport, path: str, fmt: str | None, force: bool, quiet: bool
) -> None:
    """Save ``report`` to ``path``, then show its summary and where it went."""
    chosen = fmt.lower() if fmt else None
    report.save(path, format=chosen, overwrite=force)  # type: ignore[arg-type]
    _say(quiet, report.summary())
    _say(quiet, f"Wrote the quality report to {path}")


def _model_extras(model: str) -> tuple[pd.DataFrame | None, list[str]]:
    """The loss history and discrete columns stored in a model file."""
    import pandas as pd

    document, transformer = _read_model(model)
    history = pd.DataFrame(document.get("history") or [])
    return (history if not history.empty else None), list(transformer.discrete_columns)


# ------------------------------------------------------------------------- commands
@click.group(cls=_GenesisGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genesis")
@_debug_option
def main() -> None:
    """Genesis: learn a table and generate synthetic data like it.

    \b
    Quick start:
      genesis demo                                   # the whole job on an example table
      genesis synthesize data.csv -o synthetic.csv --report report.html
    \b
    Step by step:
      genesis fit data.csv -o model.genesis
      genesis sample model.genesis -n 10000 -o synthetic.csv
      genesis evaluate data.csv synthetic.csv --report report.html --model model.genesis
      genesis inspect model.genesis                  # what a model file holds
    \b
    Sequences (TimeGAN), from a long table with one row per step:
      genesis fit prices.csv --method timegan --entity-column id --order-column date -o m.genesis
      genesis sample m.genesis -n 100 -o synthetic_prices.csv

    Tables are CSV or Parquet, chosen by the file extension. Exit codes: 0 ok,
    1 error, 2 bad usage. Set GENESIS_DEBUG=1 (or pass --debug) to see tracebacks.
    """


@main.command()
@click.argument("data", metavar="DATA")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="MODEL",
    help="Model file to write (e.g. model.genesis).",
)
@_training_options
@_sequence_options
@click.option(
    "--resume",
    "resume_from",
    metavar="FROM",
    default=None,
    help="Go on training the model in FROM (its method, settings and training state) on "
    "DATA for --epochs (TimeGAN: --iterations of each phase) more, default the model's "
    "own amount; the run continues exactly where FROM stopped.",
)
@click.option(
    "--checkpoint-every",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Save MODEL every N epochs (TimeGAN: N iterations of a phase, a multiple of 100) "
    "while training, so that an interrupted fit can go on with --resume MODEL.",
)
@_force_option
@_common
def fit(
    data: str,
    output: str,
    training: _Training,
    sequences: _Sequences,
    resume_from: str | None,
    checkpoint_every: int | None,
    force: bool,
    quiet: bool,
) -> None:
    """Learn the table DATA (CSV or Parquet) and save the model to MODEL.

    With --method timegan, DATA is a long table of sequences (one row per step):
    --entity-column says which sequence a row belongs to, --order-column orders
    the steps. Or it is a .npy file of a 3-D array (sequences, steps, features).

    \b
    Examples:
      genesis fit data.csv --method ctgan --epochs 300 --seed 0 -o model.genesis
      genesis fit prices.csv --method timegan --entity-column ticker \\
          --order-column date --seq-len 24 --iterations 5000 -o prices.genesis
      genesis fit data.csv --epochs 300 --checkpoint-every 20 -o run.genesis
      genesis fit data.csv --resume run.genesis --epochs 100 -o run.genesis --force
      genesis fit windows.npy --method timegan --iterations 5000 -o windows.genesis
    """
    from genesis.io.arrays import is_array_path, read_array
    from genesis.io.tables import read_table

    if resume_from is not None:
        _refuse_settings_on_resume(click.get_current_context())
    _check_outputs([output], force)
    table = read_array(data) if is_array_path(data) else read_table(data)
    if resume_from is not None:
        gen = _resume(resume_from, table, training, sequences, output, checkpoint_every, quiet)
    else:
        gen = _fit(table, training, quiet, sequences, output, checkpoint_every)
    if not checkpoint_every:  # with checkpoints, the fit saved MODEL when it ended
        gen.save(output, overwrite=force)
    _say(quiet, f"Saved the model ({_trained(gen)}) to {output}")


def _trained(gen: SyntheticGenerator) -> str:
    """How much ``gen`` has trained: ``"300 epochs"`` or ``"iterations: embedding 10, ..."``."""
    if gen.method != "timegan":
        return f"{gen.epochs_done} epochs"
    trained = ", ".join(f"{phase} {n}" for phase, n in gen.iterations_done.items())
    return f"iterations: {trained or 'none'}"


@main.command()
@click.argument("model", metavar="MODEL")
@click.option(
    "-n",
    "--rows",
    "rows",
    type=click.IntRange(min=1),
    required=True,
    help="How many rows to generate (TimeGAN: sequences, of --seq-len rows each).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Table to write (.csv or .parquet); .npy for a TimeGAN model fitted on an array.",
)
@click.option(
    "-c",
    "--condition",
    "conditions",
    multiple=True,
    metavar="COLUMN=VALUE",
    callback=_parse_conditions,
    help="Only rows with this value of a categorical column; repeat for several columns.",
)
@click.option(
    "--seed", type=int, default=None, help="Seed for repeatable rows (default: the model's seed)."
)
@click.option(
    "--backend",
    metavar="NAME",
    default=None,
    help="Framework to run the model on; `numpy` samples without any deep-learning framework.",
)
@_precision_option(
    "bfloat16: run the network in bfloat16, faster where the hardware has it "
    "(backends that declare it, e.g. torch); rows differ slightly from float32's."
)
@_force_option
@_common
def sample(
    model: str,
    rows: int,
    output: str,
    conditions: dict[str, str],
    seed: int | None,
    backend: str | None,
    precision: str,
    force: bool,
    quiet: bool,
) -> None:
    """Generate rows from a saved MODEL and write them to a table.

    \b
    Examples:
      genesis sample model.genesis -n 10000 -o synthetic.csv
      genesis sample model.genesis -n 500 -c sex=Female -c income='>50K' -o women.parquet
      genesis sample windows.genesis -n 1000 -o synthetic_windows.npy
    """
    from genesis.io.arrays import is_array_path, write_array
    from genesis.io.tables import write_table

    to_array = is_array_path(output)
    _check_outputs([output], force, tables=[] if to_array else [output])
    options: dict[str, Any] = {"verbose": False}
    if seed is not None:
        options["seed"] = seed
    # Check the model file and the conditions first: fails fast, before a framework loads.
    document = _read_document(model)
    if _is_sequence_model(document):
        state = document["sequence_transformer"]
        if conditions:
            raise click.UsageError("TimeGAN samples unconditionally; drop -c/--condition")
        from_array = isinstance(state, dict) and state.get("input_kind") == "array"
        if from_array != to_array:
            raise click.UsageError(
                f"{model} is a TimeGAN model fitted on a 3-D array; write its samples to a "
                ".npy file"
                if from_array
                else f"{model} was fitted on a table; write its samples to a table, not .npy"
            )
        gen = _load_model(model, backend, options)
        result = gen.sample(rows, precision=precision.lower())
        if to_array:
            write_array(cast("np.ndarray", result), output, overwrite=force)
            _say(quiet, f"Wrote {rows:,} synthetic sequences, shape {result.shape}, to {output}")
        else:
            write_table(result, output, overwrite=force)
            _say(quiet, f"Wrote {rows:,} synthetic sequences ({len(result):,} rows) to {output}")
        return
    if to_array:
        raise click.UsageError(
            f"{model} is a {document.get('method')} model of a table; "
            "write its rows to a table (.csv or .parquet), not .npy"
        )
    _, transformer = _read_model(model)
    wanted = _conditions(transformer, conditions)
    gen = _load_model(model, backend, options)
    table = _sample(gen, rows, wanted, quiet, precision.lower())
    write_table(table, output, overwrite=force)
    _say(quiet, f"Wrote {len(table):,} synthetic rows to {output}")


@main.command()
@click.argument("data", metavar="DATA")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Synthetic table to write (.csv or .parquet).",
)
@click.option(
    "-n",
    "--rows",
    type=click.IntRange(min=1),
    default=None,
    help="Rows to generate (default: as many as DATA has).",
)
@click.option(
    "--report", metavar="FILE", default=None, help="Also write a quality report (.html, or .json)."
)
@click.option("--model", metavar="FILE", default=None, help="Also save the fitted model.")
@_training_options
@_force_option
@_common
def synthesize(
    data: str,
    output: str,
    rows: int | None,
    report: str | None,
    model: str | None,
    training: _Training,
    force: bool,
    quiet: bool,
) -> None:
    """Fit DATA and write a synthetic table like it, in one step.

    \b
    Example:
      genesis synthesize data.csv -o synthetic.csv --report report.html --epochs 100
    """
    from genesis.io.tables import read_table, write_table

    if training.method.lower() not in TABLE_METHODS:
        raise click.UsageError(
            f"synthesize works with {' and '.join(TABLE_METHODS)}; for timegan run "
            "`genesis fit --method timegan ...` then `genesis sample`"
        )
    _check_outputs([output, report, model], force, tables=[output])
    table = read_table(data)
    gen = _fit(table, training, quiet)
    if model is not None:
        gen.save(model, overwrite=force)
        _say(quiet, f"Saved the model to {model}")
    synthetic = _sample(gen, rows or len(table), {}, quiet)
    write_table(synthetic, output, overwrite=force)
    _say(quiet, f"Wrote {len(synthetic):,} synthetic rows to {output}")
    if report is not None:
        _write_report(_fit_report(gen, table, synthetic), report, None, force, quiet)


@main.command()
@click.argument("model", metavar="MODEL")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@_debug_option
def inspect(model: str, as_json: bool) -> None:
    """Show what the model file MODEL holds: method, progress, columns, network.

    The file is read and verified (checksum) as a load does, without a backend or
    a framework: how far a checkpoint got, whether it can resume exactly, which
    columns and categories it learned.
    """
    import json

    from genesis.errors import ModelFileError
    from genesis.io.summary import summarize_model_file

    try:
        summary = summarize_model_file(model)
    except ModelFileError as exc:
        raise _model_error(model, exc) from exc
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2))
    else:
        click.echo("\n".join(summary.describe()))


@dataclass(frozen=True)
class _SequenceScoring:
    """How ``genesis evaluate`` scores sequences: runs, backend and seed."""

    repeats: int
    backend: str | None
    seed: int


def _evaluate_sequences(
    real: str,
    synthetic: str,
    table_options: list[str],
    scoring: _SequenceScoring,
    report: str | None,
    fmt: str | None,
    force: bool,
    quiet: bool,
) -> None:
    """``genesis evaluate`` on two .npy arrays: the TimeGAN paper's two scores."""
    import json

    from genesis.evaluation.timeseries_metrics import timeseries_scores
    from genesis.io.arrays import is_array_path, read_array
    from genesis.io.tables import atomic_output

    if not (is_array_path(real) and is_array_path(synthetic)):
        raise click.UsageError("sequences are compared as two .npy arrays; give both as .npy")
    if table_options:
        raise click.UsageError(f"{', '.join(table_options)}: for tables only, not .npy arrays")
    if (fmt is not None and fmt.lower() == "html") or (
        report is not None and Path(report).suffix.lower() != ".json"
    ):
        raise click.UsageError("sequence scores are written as JSON (a .json --report file)")
    scores = timeseries_scores(
        read_array(real),
        read_array(synthetic),
        repeats=scoring.repeats,
        seed=scoring.seed,
        backend=scoring.backend,
    )
    document = {
        "discriminative": {
            "mean": scores.discriminative_mean,
            "std": scores.discriminative_std,
            "runs": list(scores.discriminative),
        },
        "predictive": {
            "mean": scores.predictive_mean,
            "std": scores.predictive_std,
            "runs": list(scores.predictive),
        },
    }
    text = json.dumps(document, indent=2)
    if report is not None:
        with atomic_output(report, overwrite=force) as tmp:
            tmp.write_text(text + "\n")
        _say(quiet, f"Wrote the scores to {report}")
    elif fmt is not None:
        click.echo(text)
    else:
        click.echo(
            f"discriminative {scores.discriminative_mean:.4f} ± {scores.discriminative_std:.4f}"
            f"  predictive {scores.predictive_mean:.4f} ± {scores.predictive_std:.4f}"
            f"  ({scoring.repeats} run{'s' if scoring.repeats > 1 else ''}; lower is better)"
        )


@main.command(name="evaluate")
@click.argument("real", metavar="REAL")
@click.argument("synthetic", metavar="SYNTHETIC")
@click.option(
    "--report",
    metavar="FILE",
    default=None,
    help="Write the report here; without it, print it (a summary, or JSON with --format json).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "json"], case_sensitive=False),
    default=None,
    help="Report format (default: json for a .json file, else html).",
)
@click.option(
    "--model",
    metavar="FILE",
    default=None,
    help="The model that made SYNTHETIC: adds its loss curves and uses its column types.",
)
@click.option(
    "--holdout",
    metavar="FILE",
    default=None,
    help="Real rows the model did not see, the privacy baseline (default: 20% of REAL).",
)
@click.option(
    "--discrete-columns",
    metavar="A,B,...",
    default=None,
    help="Numeric columns to compare as categories.",
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Sequences (.npy): runs of each score, reported as mean ± std.",
)
@click.option(
    "--backend",
    metavar="NAME",
    default=None,
    help="Sequences (.npy): the framework that trains the scores' networks.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Sequences (.npy): seed.")
@_force_option
@_common
def evaluate_command(
    real: str,
    synthetic: str,
    report: str | None,
    fmt: str | None,
    model: str | None,
    holdout: str | None,
    discrete_columns: str | None,
    repeats: int,
    backend: str | None,
    seed: int,
    force: bool,
    quiet: bool,
) -> None:
    """Score how well the table SYNTHETIC follows REAL, and how private it is.

    The report has per-column and per-pair scores, an overall score (as in the
    SDMetrics Quality Report), exact copies and distances to the closest real
    rows, and, as HTML, plots of every column, correlations and loss curves.

    Two .npy files of 3-D arrays (sequences, steps, features) get the TimeGAN
    paper's scores instead: discriminative (a post-hoc classifier's |accuracy -
    0.5|) and predictive (a post-hoc one-step predictor's error on REAL), both
    lower-is-better, over --repeats runs.

    \b
    Examples:
      genesis evaluate real.csv synthetic.csv --report report.html --model model.genesis
      genesis evaluate real.csv synthetic.csv --format json > scores.json
      genesis evaluate windows.npy synthetic.npy --repeats 5
    """
    from genesis.evaluation import evaluate
    from genesis.io.arrays import is_array_path
    from genesis.io.tables import read_table

    _check_outputs([report], force)
    if is_array_path(real) or is_array_path(synthetic):
        table_only = {
            "--model": model,
            "--holdout": holdout,
            "--discrete-columns": discrete_columns,
        }
        _evaluate_sequences(
            real,
            synthetic,
            [name for name, value in table_only.items() if value is not None],
            _SequenceScoring(repeats, backend, seed),
            report,
            fmt,
            force,
            quiet,
        )
        return
    history, discrete = _model_extras(model) if model is not None else (None, None)
    explicit = _columns(discrete_columns)
    if explicit is not None:
        discrete = sorted(set(discrete or []) | set(explicit))
    result = evaluate(
        read_table(real),
        read_table(synthetic),
        holdout=read_table(holdout) if holdout is not None else None,
        history=history,
        discrete_columns=discrete,
    )
    if report is not None:
        _write_report(result, report, fmt, force, quiet)
    elif fmt is not None and fmt.lower() == "json":
        click.echo(result.to_json())
    elif fmt is not None and fmt.lower() == "html":
        raise click.UsageError("--format html needs --report FILE to write the page to")
    else:
        click.echo(result.summary())


@main.command()
@click.option(
    "-o",
    "--output-dir",
    default=DEMO_DIR,
    show_default=True,
    metavar="DIR",
    help="Folder for synthetic.csv, model.genesis and report.html.",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=DEMO_EPOCHS,
    show_default=True,
    help="Training epochs.",
)
@_table_method_option
@click.option("--backend", metavar="NAME", default=None, help="Framework to train on.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for a repeatable run.")
@_force_option
@_common
def demo(
    output_dir: str,
    epochs: int,
    method: str,
    backend: str | None,
    seed: int,
    force: bool,
    quiet: bool,
) -> None:
    """Run the whole job on the example table shipped with Genesis.

    Learns a 2,000-row sample of the UCI Adult census table
    (genesis.datasets.load_adult_sample), generates as many synthetic rows, and
    writes them with the model and a quality report into DIR. Takes seconds.
    """
    from genesis.datasets import load_adult_sample
    from genesis.io.tables import write_table

    started = time.perf_counter()
    folder = Path(output_dir)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(folder))
    paths = {name: folder / name for name in ("synthetic.csv", "model.genesis", "report.html")}
    _check_outputs(list(paths.values()), force)
    real = load_adult_sample()
    gen = _fit(real, _Training(method=method, backend=backend, epochs=epochs, seed=seed), quiet)
    gen.save(paths["model.genesis"], overwrite=force)
    synthetic = _sample(gen, len(real), {}, quiet)
    write_table(synthetic, paths["synthetic.csv"], overwrite=force)
    result = _fit_report(gen, real, synthetic)
    result.save(paths["report.html"], format="html", overwrite=force)
    if quiet:
        return
    click.echo(result.summary())
    click.echo(f"\nDone in {time.perf_counter() - started:.1f} s. Files in {folder}{os.sep}:")
    notes = {
        "synthetic.csv": f"{len(synthetic):,} synthetic rows",
        "model.genesis": f"the fitted {gen.method} model",
        "report.html": "the quality report; open it in a browser",
    }
    width = max(len(str(p)) for p in paths.values())
    for name, note in notes.items():
        click.echo(f"  {str(paths[name]).ljust(width)}  {note}")
    click.echo(f"\nMore rows: genesis sample {paths['model.genesis']} -n 10000 -o more.csv")


@main.command()
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show full tracebacks of broken plugins."
)
def backends(show_traceback: bool) -> None:
    """List every discovered backend: priority, availability, versions, devices.

    Backends are listed in automatic-selection order; the first available one is
    what `backend='auto'` picks (unless GENESIS_BACKEND says otherwise).
    """
    from genesis.backends import discover_backends
    from genesis.backends.devices import DEVICE_ENV_VAR
    from genesis.backends.selection import requested_backend_name

    registry = discover_backends()
    rows: list[tuple[str, ...]] = []
    for info in registry.ranked():
        if info.available:
            status = "available"
            try:
                devices = ", ".join(registry.backend(info.name).query_devices())
            except Exception as exc:  # a framework that is installed but broken
                devices = "-"
                status = f"error: {type(exc).__name__}: {exc}"
        else:
            status, devices = f"not available: {info.reason} ({info.install_command})", "-"
        version = f"{info.framework} {info.framework_version or '?'}"
        caps = ", ".join(sorted(info.capabilities)) or "-"
        rows.append((info.name, str(info.priority), status, version, devices, caps))
    for failure in registry.failures.values():
        rows.append(
            (failure.name, "-", f"BROKEN: {failure.error}", failure.distribution or "?", "-", "-")
        )

    if not rows:
        click.echo(registry.no_backend_message())
        return
    header = ("name", "priority", "status", "framework", "devices", "capabilities")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    requested = requested_backend_name(None)
    if requested != "auto":
        click.echo(f"\nGENESIS_BACKEND selects: {requested}")
    device = os.environ.get(DEVICE_ENV_VAR, "").strip()
    if device and device.lower() != "auto":
        click.echo(f"\n{DEVICE_ENV_VAR} selects: {device}")
    for failure in registry.failures.values():
        click.echo(f"\nplugin {failure.name!r} ({failure.target}) failed to load:", err=True)
        text = failure.traceback if show_traceback else failure.traceback.strip().splitlines()[-1]
        click.echo(text.rstrip(), err=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(prog_name="genesis"))
