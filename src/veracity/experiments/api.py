"""HTTP routes for experiments: policy admins define them, the platform (role ``service``)
asks which variant a unit is in and logs exposures, analysts read the readout
(docs/experiments.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from pydantic import Field

from veracity.access.principal import Principal
from veracity.access.roles import EXPERIMENTS_DEFINE, EXPERIMENTS_EXPOSE, EXPERIMENTS_READ
from veracity.domain.entities import Strict
from veracity.domain.limits import MAX_BATCH_ITEMS, Identifier
from veracity.experiments.analyse import analyse
from veracity.experiments.collect import collect
from veracity.experiments.model import ExperimentIn, ExposureIn
from veracity.experiments.store import (
    ExperimentConflict,
    ExperimentMissing,
    create_experiment,
    definition_of,
    experiment_json,
    exposure_counts,
    get_experiment,
    list_experiments,
    log_exposures,
    variant_for,
)
from veracity.store.db import Database, utcnow
from veracity.web.auth import require_roles

router = APIRouter(prefix="/v1", tags=["experiments"])
Definer = Annotated[Principal, Depends(require_roles(EXPERIMENTS_DEFINE))]
READ = [Depends(require_roles(EXPERIMENTS_READ))]
ASSIGN = [Depends(require_roles(EXPERIMENTS_READ | EXPERIMENTS_EXPOSE))]
EXPOSE = [Depends(require_roles(EXPERIMENTS_EXPOSE))]
UNPROCESSABLE = 422
PathKey = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@\-]+$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such experiment"}}


class ExposureBatch(Strict):
    exposures: list[ExposureIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(_db)]


def _missing(exc: ExperimentMissing) -> HTTPException:
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=str(exc))


@router.post(
    "/experiments",
    status_code=status.HTTP_201_CREATED,
    summary="Define an experiment (201 new, 200 the same definition re-sent)",
    responses={409: {"description": "the key is taken by a different definition"}},
)
def create(item: ExperimentIn, who: Definer, response: Response, db: Db) -> dict[str, Any]:
    try:
        with db.transaction() as session:
            row, created = create_experiment(session, item, who.actor, utcnow())
            out = experiment_json(row)
    except ExperimentConflict as exc:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    if not created:
        response.status_code = status.HTTP_200_OK
    return {"created": created, "experiment": out}


@router.get("/experiments", dependencies=READ, summary="Experiments, newest first")
def index(db: Db, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    with db.transaction() as session:
        return {"experiments": [experiment_json(r) for r in list_experiments(session, limit)]}


@router.get("/experiments/{key}", dependencies=READ, summary="One experiment", responses=NOT_FOUND)
def show(key: PathKey, db: Db) -> dict[str, Any]:
    try:
        with db.transaction() as session:
            row = get_experiment(session, key)
            return experiment_json(row, exposure_counts(session, key))
    except ExperimentMissing as exc:
        raise _missing(exc) from exc


@router.get(
    "/experiments/{key}/assignment",
    dependencies=ASSIGN,
    summary="The variant a unit is in (null: holdout)",
    responses=NOT_FOUND,
)
def assignment(key: PathKey, unit_id: Annotated[Identifier, Query()], db: Db) -> dict[str, Any]:
    try:
        with db.transaction() as session:
            row = get_experiment(session, key)
            return {"experiment": key, "unit_id": unit_id, "variant": variant_for(row, unit_id)}
    except ExperimentMissing as exc:
        raise _missing(exc) from exc


@router.post(
    "/experiments/{key}/exposures",
    dependencies=EXPOSE,
    summary="Log first exposures of units to their variant (idempotent)",
    responses=NOT_FOUND,
)
def expose(key: PathKey, batch: ExposureBatch, db: Db) -> dict[str, Any]:
    try:
        with db.transaction() as session:
            row = get_experiment(session, key)
            return log_exposures(session, row, batch.exposures, utcnow())
    except ExperimentMissing as exc:
        raise _missing(exc) from exc


@router.get(
    "/experiments/{key}/analysis",
    dependencies=READ,
    summary="The readout: SRM, goal metric (fixed, CUPED, sequential) and guardrails",
    responses={**NOT_FOUND, 422: {"description": "too little data to analyse"}},
)
def analysis(key: PathKey, db: Db) -> dict[str, Any]:
    try:
        with db.transaction() as session:
            row = get_experiment(session, key)
            d = definition_of(row)
            data = collect(session, key, d)
        return {"experiment": key, **analyse(data, d)}
    except ExperimentMissing as exc:
        raise _missing(exc) from exc
    except ValueError as exc:
        raise HTTPException(status_code=UNPROCESSABLE, detail=str(exc)) from exc
