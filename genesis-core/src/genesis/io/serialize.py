"""JSON forms of the configuration and specs stored in model files."""

from __future__ import annotations

import dataclasses
from typing import Any

from genesis.backends.info import BackendType
from genesis.config import GeneratorConfig
from genesis.errors import ModelFileError
from genesis.models.spec import ConditionSpan, CTGANParams, ModelSpec, OutputSpan, TVAEParams
from genesis.models.timegan import TimeGANParams

__all__ = ["config_from_json", "config_to_json", "spec_from_json", "spec_to_json"]

_PARAMS = {"ctgan": CTGANParams, "tvae": TVAEParams, "timegan": TimeGANParams}


def _params_from_json(cls: type, data: dict[str, Any]) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(fields)
    if unknown:
        raise ModelFileError(f"unknown {cls.__name__} field(s) in model file: {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return cls(**values)


def config_to_json(config: GeneratorConfig) -> dict[str, Any]:
    """``config`` as JSON-ready data."""
    data = dataclasses.asdict(config)
    data["backend"] = str(
        config.backend.value if isinstance(config.backend, BackendType) else config.backend
    )
    return data


def config_from_json(data: dict[str, Any]) -> GeneratorConfig:
    """Rebuild a :class:`GeneratorConfig` from :func:`config_to_json` output."""
    try:
        values = dict(data)
        values["ctgan"] = _params_from_json(CTGANParams, values.get("ctgan", {}))
        values["tvae"] = _params_from_json(TVAEParams, values.get("tvae", {}))
        values["timegan"] = _params_from_json(TimeGANParams, values.get("timegan", {}))
        return GeneratorConfig(**values)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"the model file's configuration is invalid: {exc}") from exc


def spec_to_json(spec: ModelSpec) -> dict[str, Any]:
    """``spec`` as JSON-ready data."""
    return {
        "method": spec.method,
        "params": dataclasses.asdict(spec.params),
        "data_dim": spec.data_dim,
        "cond_dim": spec.cond_dim,
        "output_spans": [dataclasses.asdict(s) for s in spec.output_spans],
        "condition_spans": [dataclasses.asdict(s) for s in spec.condition_spans],
    }


def spec_from_json(data: dict[str, Any]) -> ModelSpec:
    """Rebuild a :class:`ModelSpec` from :func:`spec_to_json` output."""
    try:
        cls = _PARAMS[data["method"]]
        return ModelSpec(
            method=data["method"],
            params=_params_from_json(cls, data["params"]),
            data_dim=int(data["data_dim"]),
            cond_dim=int(data["cond_dim"]),
            output_spans=tuple(OutputSpan(**s) for s in data["output_spans"]),
            condition_spans=tuple(ConditionSpan(**s) for s in data["condition_spans"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"the model file's network description is invalid: {exc!r}") from exc
