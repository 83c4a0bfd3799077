"""Every hook a Genesis backend plugin may implement.

A backend is a plugin module registered under the entry point group
``genesis.backends``. It implements these hooks with ``from genesis import
hookimpl``. The core calls each backend's hooks on that backend alone (a subset
hook caller), always with keyword arguments, through the typed wrappers of
:class:`genesis.backends.backend.Backend`; nothing else touches ``pm.hook``.

Rules for implementers:

* The plugin module must import without its framework installed: import the
  framework inside the hook bodies (or in modules those bodies import).
* ``genesis_backend_info`` must not import the framework either; use
  ``importlib.util.find_spec`` and ``importlib.metadata.version``.
* A hook may accept fewer arguments than its spec declares (pluggy passes only
  the ones it names).
* The model object returned by ``genesis_build_model`` is opaque to the core; it
  is handed back to the other hooks unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genesis.markers import hookspec

if TYPE_CHECKING:
    import numpy as np

    from genesis.backends.info import BackendInfo, RuntimeOptions
    from genesis.models.batches import TrainBatch
    from genesis.models.spec import ModelSpec


@hookspec
def genesis_backend_info() -> BackendInfo:
    """Describe this backend: name, priority, availability, install command, capabilities.

    Called once each time the core discovers backends (``select_backend``,
    ``genesis backends``). Must be cheap and must not import the framework.

    Returns:
        The backend's :class:`~genesis.backends.info.BackendInfo`.
    """


@hookspec(firstresult=True)
def genesis_query_devices() -> list[str]:
    """List the device kinds this backend can use right now, best first.

    Called when a device is resolved (``get_device``) and by ``genesis backends``;
    only on an available backend. May import the framework.

    Returns:
        Device kinds among ``"cuda"``, ``"mps"``, ``"cpu"``, e.g. ``["cuda", "cpu"]``.
        ``"cpu"`` should always be present.
    """


@hookspec(firstresult=True)
def genesis_build_model(spec: ModelSpec, options: RuntimeOptions) -> Any:
    """Build the networks and optimizers that ``spec`` describes.

    Called at the start of a fit (and when a saved model is loaded). Only called
    for a method listed in the backend's capabilities.

    Sequence methods (:mod:`genesis.models.timegan`): ``"timegan"`` with
    ``TimeGANParams`` (``spec.data_dim`` is the width of one encoded step), and
    TimeGAN's evaluation networks ``"timegan_metric_classifier"`` and
    ``"timegan_metric_predictor"`` with ``SequenceMetricParams`` (``spec.data_dim``
    is their input width). A backend that declares ``"timegan"`` should declare
    the two evaluation methods too.

    Args:
        spec: the method, its hyperparameters and the data layout.
        options: the resolved device, the seed of the backend's random generator,
            and the thread count to use.

    Returns:
        An opaque model object, passed back to the other hooks.
    """


@hookspec(firstresult=True)
def genesis_train_step(model: Any, batch: TrainBatch) -> dict[str, float]:
    """Run one optimization step of ``model`` on ``batch``.

    Called by the core's training schedule, ``steps_per_epoch`` times per epoch.
    The networks are in training mode during the step.

    Args:
        model: the object ``genesis_build_model`` returned.
        batch: numpy arrays sampled by the core (see :mod:`genesis.models.batches`).
            TimeGAN: a :class:`~genesis.models.timegan.TimeGANBatch`, one iteration
            of its ``phase`` (the joint phase's iteration is two generator/embedder
            rounds and a conditional discriminator step); evaluation networks: a
            ``SequenceClassifierBatch`` or ``SequencePredictorBatch``.

    Returns:
        The step's losses by name (CTGAN: ``"generator"``, ``"discriminator"``;
        TVAE: ``"loss"``; TimeGAN: ``LOSS_NAMES[batch.phase]`` of
        :mod:`genesis.models.timegan`; evaluation networks: ``"loss"``), as Python
        floats.
    """


@hookspec(firstresult=True)
def genesis_generate(
    model: Any, noise: np.ndarray, cond: np.ndarray | None, precision: str
) -> np.ndarray:
    """Run the generative network forward in inference mode, without gradients.

    Called when sampling, once per chunk of rows. CTGAN: the generator on
    ``noise ⊕ cond`` (BatchNorm uses its running statistics). TVAE: the decoder on
    ``noise`` (``cond`` is ``None``). The core applies the output activations, so
    the result is the network's raw output, identical across backends for the
    same weights and noise.

    Args:
        model: the object ``genesis_build_model`` returned.
        noise: ``(n, embedding_dim)`` float32 standard-normal noise drawn by the core.
            TimeGAN: ``(n, seq_len, data_dim)`` float32 ``U(0, 1)`` noise; evaluation
            networks: their ``(n, steps, data_dim)`` inputs.
        cond: ``(n, cond_dim)`` float32 condition vectors, or ``None``.
        precision: ``"float32"``, or ``"bfloat16"`` when the user asked to sample in
            bfloat16 (only ever passed to a backend that declares the
            ``precision:bfloat16`` capability, for CTGAN and TVAE). An
            implementation may leave this argument out of its signature (pluggy
            passes only the arguments an implementation names) and compute in
            float32.

    Returns:
        ``(n, data_dim)`` float32 raw outputs as a numpy array. TimeGAN:
        ``(n, seq_len, data_dim)`` windows in (0, 1) (recovery of the supervised
        generator output); the classifier: ``(n, 1)`` logits; the predictor:
        ``(n, steps, 1)`` predictions.
    """


@hookspec(firstresult=True)
def genesis_get_weights(model: Any) -> dict[str, np.ndarray]:
    """Export every learned array of ``model`` under its framework-neutral name.

    Called when a model is saved. Names, shapes and layouts follow
    :mod:`genesis.models.weights`, so a file written by one backend loads on any.

    Returns:
        A mapping from weight name to a numpy array (float32).
    """


@hookspec(firstresult=True)
def genesis_set_weights(model: Any, weights: dict[str, np.ndarray]) -> bool:
    """Load ``weights`` (names and layouts of :mod:`genesis.models.weights`) into ``model``.

    Called when a saved model is loaded, after ``genesis_build_model``.

    Returns:
        ``True`` once the weights are in place. Raise on a missing name or a shape
        mismatch.
    """


@hookspec(firstresult=True)
def genesis_get_training_state(model: Any) -> dict[str, np.ndarray] | None:
    """Export ``model``'s optimizer and random generator state (optional hook).

    Called when a model is saved with its training state (the default), so that a
    later ``fit(..., resume=True)`` continues the run exactly. Names, shapes and
    dtypes follow :mod:`genesis.models.training_state`: for each optimizer of the
    method, ``optimizer.{opt}.step`` (0-d int64) and the moments
    ``optimizer.{opt}.m.{weight}`` / ``optimizer.{opt}.v.{weight}`` (float32, the
    weight's shape); and ``random.{key}`` (a 1-D integer array) for the backend's
    own random generator, if it has one, where ``key`` is the backend's name, or
    its name and a variant when states differ in kind (torch: ``torch-cpu``,
    ``torch-cuda``).

    A backend that leaves this hook out still saves and loads models; a resumed
    fit then restarts its optimizers.

    Returns:
        The arrays by name, or ``None`` for a model without training state.
    """


@hookspec(firstresult=True)
def genesis_set_training_state(model: Any, state: dict[str, np.ndarray]) -> bool | None:
    """Load a training state (see :func:`genesis_get_training_state`) into ``model``.

    Called when a model file with a training state is loaded, after
    ``genesis_build_model`` and ``genesis_set_weights``. The core has checked the
    names and shapes against the weights. ``state`` may come from another backend:
    load every optimizer array, and read only the ``random.{key}`` this backend
    writes (leave the generator as seeded otherwise).

    Returns:
        ``True`` once the state is in place (``None`` only from a backend that
        keeps no training state).
    """
