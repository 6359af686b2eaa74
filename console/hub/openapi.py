"""The hub API contract as an OpenAPI 3.1 document.

The document is built from :mod:`console.contract` (field lists, state sets, limits), which
the console's core imports too. The simulated hub serves it at ``/openapi.json``; tests
validate every response of the simulated hub against it, and the hub client validates what
it decodes against the same field lists.
"""

from __future__ import annotations

from typing import Any

from console.contract import (
    API_VERSION,
    EVENT_SEVERITIES,
    FORECAST_DEFAULT_HOURS,
    FORECAST_FIELDS,
    FORECAST_MAX_HOURS,
    FORECAST_QUANTILES,
    GPU_REQUIRED_FIELDS,
    GPU_STATUSES,
    HALL_COOLINGS,
    JOB_OPTIONAL_FIELDS,
    JOB_STATES,
    LOG_CATEGORIES,
    LOG_ENTRY_FIELDS,
    LOG_LINK_KINDS,
    LOG_MAX_AUTHOR_CHARS,
    LOG_MAX_BODY_BYTES,
    LOG_MAX_LINKS,
    LOG_MAX_REF_CHARS,
    LOG_MAX_TEXT_CHARS,
    MAX_EVENT_ID,
    MAX_INSTANCE_CHARS,
    NODE_STATES,
    POWER_FIELDS,
    RACK_FIELDS,
    TENANT_KINDS,
    UNHEALTHY_GPU_REQUIRED_FIELDS,
)

FAULT_KINDS = ("xid", "thermal", "cooling_loss", "pdu_trip", "wind_drop", "maintenance")
"""Faults ``POST /api/v1/sim/faults`` injects (simulated hub only, not part of the contract)."""

_NUM = {"type": "number"}
_INT = {"type": "integer"}
_STR = {"type": "string"}
_NUM_ARRAY = {"type": "array", "items": {"type": ["number", "null"]}}
_NULL_NUM = {"type": ["number", "null"]}
_NULL_INT = {"type": ["integer", "null"]}
_NULL_STR = {"type": ["string", "null"]}


def _obj(props: dict[str, Any], required: list[str] | None = None,
         optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": [p for p in props if p not in optional] if required is None else required,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "401": _json_response("Missing or wrong bearer token", _ref("Error")),
    "503": _json_response("The hub is unavailable (outage)", _ref("Error")),
}

SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _STR, "status": _INT}),
    "PduFeed": _obj({"id": _STR, "feed": _STR, "rating_kw": _NUM}),
    "Hall": _obj(
        {
            "id": _STR,
            "name": _STR,
            "cooling": {"enum": list(HALL_COOLINGS)},
            "rack_type": _STR,
            "gpu_model": _STR,
            "rows": _INT,
            "racks": _INT,
            "x": _NUM,
            "y": _NUM,
            "w": _NUM,
            "h": _NUM,
        }
    ),
    "Row": _obj({"id": _STR, "hall": _STR, "x": _NUM, "y": _NUM, "w": _NUM, "h": _NUM}),
    "Rack": _obj(
        {
            "id": _STR,
            "hall": _STR,
            "row": _STR,
            "position": _INT,
            "x": _NUM,
            "y": _NUM,
            "w": _NUM,
            "h": _NUM,
            "cooling": _STR,
            "rack_type": _STR,
            "gpu_model": _STR,
            "capacity_kw": _NUM,
            "nodes": _INT,
            "gpus_per_node": _INT,
            "gpus": _INT,
            "pdu_feeds": {"type": "array", "items": _ref("PduFeed")},
        }
    ),
    "Site": _obj(
        {
            "name": _STR,
            "timezone": _STR,
            "lat": _NUM,
            "lon": _NUM,
            "capacity_mw": _NUM,
            "scale": _STR,
            "time": _NUM,
            "halls": {"type": "array", "items": _ref("Hall")},
            "rows": {"type": "array", "items": _ref("Row")},
            "racks": {"type": "array", "items": _ref("Rack")},
            "totals": _obj({"halls": _INT, "rows": _INT, "racks": _INT, "nodes": _INT, "gpus": _INT}),
        }
    ),
    "RackTelemetry": _obj(
        {"time": _NUM, "rack_ids": {"type": "array", "items": _STR}}
        | {f: _NUM_ARRAY for f in RACK_FIELDS}
    ),
    "Gpu": _obj(
        {
            "index": _INT,
            "uuid": _STR,
            "model": _STR,
            "temp_c": _NULL_NUM,
            "power_w": _NULL_NUM,
            "power_limit_w": _NULL_NUM,
            "util_pct": _NULL_NUM,
            "mem_used_mib": _NULL_NUM,
            "mem_total_mib": _NULL_NUM,
            "ecc_sbe": _NULL_INT,
            "ecc_dbe": _NULL_INT,
            "row_remap_failure": {"type": "boolean"},
            "xid": _NULL_INT,
            "xid_time": _NULL_NUM,
            "clock_event_reasons": _INT,
            "status": {"enum": list(GPU_STATUSES)},
            "job_id": _NULL_INT,
        },
        required=list(GPU_REQUIRED_FIELDS),
    ),
    "Node": _obj(
        {
            "id": _STR,
            "host": _STR,
            "slot": _INT,
            "state": {"enum": list(NODE_STATES)},
            "gpus": {"type": "array", "items": _ref("Gpu")},
        },
        required=["id", "host", "slot", "gpus"],
    ),
    "PduReading": _obj(
        {"id": _STR, "feed": _STR, "load_kw": _NUM, "rating_kw": _NUM, "tripped": {"type": "boolean"}}
    ),
    "Event": _obj(
        {
            "id": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_EVENT_ID,
                "description": "Increasing within one lifetime of the hub (see `instance`).",
            },
            "time": _NUM,
            "time_iso": _STR,
            "kind": _STR,
            "severity": {"enum": list(EVENT_SEVERITIES)},
            "rack": _NULL_STR,
            "gpu_uuid": _NULL_STR,
            "xid": _NULL_INT,
            "message": _STR,
            "job_id": _NULL_INT,
            "gpus": _INT,
            "feed": _STR,
        },
        required=["id", "time", "time_iso", "kind", "severity", "rack", "gpu_uuid", "xid",
                  "message"],
    ),
    "Job": _obj(
        {
            "id": _INT,
            "name": _STR,
            "tenant": _STR,
            "tenant_kind": {"enum": list(TENANT_KINDS)},
            "tenant_country": _STR,
            "user": _STR,
            "partition": _STR,
            "state": {"enum": list(JOB_STATES)},
            "reason": _NULL_STR,
            "gpus": _INT,
            "nodes": _INT,
            "racks": {"type": "array", "items": _STR},
            "submit_time": _NUM,
            "start_time": _NULL_NUM,
            "end_time": _NULL_NUM,
            "time_limit_s": _NULL_NUM,
            "gpu_util_pct": {"type": ["number", "null"], "minimum": 0, "maximum": 100,
                             "description": "Mean utilisation (%) of the GPUs the job holds "
                                            "now; null or absent when unknown"},
        },
        optional=JOB_OPTIONAL_FIELDS,
    ),
    "RackDetail": _obj(
        {
            "time": _NUM,
            "rack": _ref("Rack"),
            "nodes": {"type": "array", "items": _ref("Node")},
            "pdus": {"type": "array", "items": _ref("PduReading")},
            "jobs": {"type": "array", "items": _ref("Job")},
            "events": {"type": "array", "items": _ref("Event")},
        }
    ),
    "UnhealthyGpu": _obj(
        {
            "uuid": _STR,
            "model": _STR,
            "hall": _STR,
            "row": _STR,
            "rack": _STR,
            "node": _STR,
            "host": _STR,
            "slot": _INT,
            "status": {"enum": list(GPU_STATUSES)},
            "xid": _NULL_INT,
            "ecc_dbe": _NULL_INT,
            "row_remap_failure": {"type": "boolean"},
            "clock_event_reasons": _INT,
            "temp_c": _NULL_NUM,
            "power_w": _NULL_NUM,
            "since": _NUM,
            "job_id": _NULL_INT,
            "node_state": {"enum": list(NODE_STATES)},
        },
        required=list(UNHEALTHY_GPU_REQUIRED_FIELDS),
    ),
    "UnhealthyGpus": _obj(
        {
            "time": _NUM,
            "gpus": {"type": "array", "items": _ref("UnhealthyGpu")},
            "counts": _obj({s: _INT for s in GPU_STATUSES}),
        }
    ),
    "PowerSeries": _obj(
        {"start": _NUM, "end": _NUM, "step": _NUM, "t": _NUM_ARRAY}
        | {f: _NUM_ARRAY for f in POWER_FIELDS}
    ),
    "ForecastBand": _obj({q: _NUM_ARRAY for q in FORECAST_QUANTILES}),
    "Forecast": _obj(
        {
            "issued": {"type": "number", "description": "Epoch seconds when the forecast "
                       "was made (the hub's clock); a new one is issued every hour."},
            "step": {"type": "number", "exclusiveMinimum": 0,
                     "description": "Seconds between points."},
            "t": {"type": "array", "items": _NUM, "maxItems": 10_000,
                  "description": "Epoch seconds of each point, increasing: issued < t[i] <= "
                  "issued + hours * 3600."},
            "source": {"type": "string", "description": "Who made the forecast (free text)."},
            "series": {
                "type": "object",
                "description": "Every field optional; each a P10/P50/P90 band aligned with "
                "`t` (null where a point is not known). solar_mw, wind_mw: available "
                "generation, MW; battery_soc_pct: the battery's state of charge if nothing "
                "changes, %; grid_carbon_g_per_kwh: carbon intensity of grid imports, "
                "gCO2eq/kWh; it_mw, facility_mw: the load if nothing changes, MW.",
                "properties": {f: _ref("ForecastBand") for f in FORECAST_FIELDS},
                "additionalProperties": _ref("ForecastBand"),
            },
        },
        required=["issued", "step", "t", "series"],
    ),
    "Jobs": _obj(
        {
            "time": _NUM,
            "jobs": {"type": "array", "items": _ref("Job")},
            "version": _STR,
            "since": _STR,
            "removed": {"type": "array", "items": _INT},
            "total": _INT,
        },
        required=["time", "jobs"],
    ),
    "Events": _obj(
        {
            "time": _NUM,
            "events": {"type": "array", "items": _ref("Event")},
            "last_id": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_EVENT_ID,
                "description": "The hub's newest event id (optional). Every id in `events` "
                "is at most this; a value below the id a client has seen tells it the hub "
                "restarted.",
            },
            "instance": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_INSTANCE_CHARS,
                "description": "Names this lifetime of the hub (optional): chosen when the hub "
                "starts (e.g. a random id), the same in every answer until it stops. Event ids "
                "start again at 1 when a hub restarts; a new instance tells clients to read "
                "the new lifetime's events from its first.",
            },
        },
        required=["time", "events"],
    ),
    "Health": _obj({"status": _STR, "time": _NUM, "scale": _STR}),
    "FaultRequest": _obj(
        {"kind": {"enum": list(FAULT_KINDS)}, "target": _NULL_STR, "params": {"type": "object"}},
        required=["kind"],
    ),
    "OutageRequest": _obj({"on": {"type": "boolean"}}),
    "LogLink": _obj({"kind": {"enum": list(LOG_LINK_KINDS)},
                     "ref": {"type": "string", "minLength": 1, "maxLength": LOG_MAX_REF_CHARS}}),
    "LogEntry": _obj(
        {
            "id": {"type": "integer", "minimum": 1, "description": "The hub's number"},
            "uid": {"type": "string", "description": "The writer's UUID: a repeated write "
                    "of the same uid is the same entry"},
            "rev": {"type": "integer", "minimum": 1,
                    "description": "The log's revision when the entry was last written "
                    "(created or cleared)"},
            "time": _NUM,
            "author": _STR,
            "category": {"enum": list(LOG_CATEGORIES)},
            "text": {"type": "string", "maxLength": LOG_MAX_TEXT_CHARS,
                     "description": "Plain text (line feeds and tabs kept); never markup"},
            "links": {"type": "array", "items": _ref("LogLink")},
            "open": {"type": "boolean", "description": "An open item: carried forward "
                     "at every handover until cleared"},
            "cleared_by": _NULL_STR,
            "cleared_at": _NULL_NUM,
        },
        required=list(LOG_ENTRY_FIELDS),
    ),
    "LogEntries": _obj(
        {
            "time": _NUM,
            "rev": {"type": "integer", "minimum": 0,
                    "description": "Where the next read starts (`since_rev`)"},
            "more": {"type": "boolean",
                     "description": "More changes follow: ask again from `rev`"},
            "entries": {"type": "array", "items": _ref("LogEntry")},
        },
        required=["time", "rev", "entries"],
    ),
    "LogNewEntry": _obj(
        {
            "uid": {"type": "string", "format": "uuid"},
            "author": {"type": "string", "minLength": 1, "maxLength": LOG_MAX_AUTHOR_CHARS},
            "category": {"enum": list(LOG_CATEGORIES)},
            "text": {"type": "string", "minLength": 1, "maxLength": LOG_MAX_TEXT_CHARS},
            "links": {"type": "array", "maxItems": LOG_MAX_LINKS, "items": _ref("LogLink")},
            "open": {"type": "boolean", "default": False},
        },
        required=["uid", "author", "category", "text"],
    ),
    "LogClear": _obj(
        {"who": {"type": "string", "minLength": 1, "maxLength": LOG_MAX_AUTHOR_CHARS}}
    ),
    "LogConflict": _obj(
        {"error": _STR, "status": _INT, "cleared_by": _NULL_STR, "cleared_at": _NULL_NUM},
        required=["error", "status"],
    ),
}


def _get(summary: str, schema: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {"200": _json_response(summary, _ref(schema))} | _ERRORS,
    }
    if params:
        op["parameters"] = params
    return {"get": op}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _forecast_path() -> dict[str, Any]:
    path = _get(
        "Forecast of solar and wind generation, the battery's state of charge if nothing "
        "changes, grid carbon intensity and the load, each a P10/P50/P90 band, from the "
        "forecast issued at the last whole hour",
        "Forecast",
        [_query("hours", f"Hours ahead, 1 to {FORECAST_MAX_HOURS} (default "
                f"{FORECAST_DEFAULT_HOURS})",
                {"type": "integer", "minimum": 1, "maximum": FORECAST_MAX_HOURS})],
    )
    path["get"]["responses"]["400"] = _json_response(
        f"`hours` not a whole number from 1 to {FORECAST_MAX_HOURS}", _ref("Error"))
    return path


def _log_paths() -> dict[str, Any]:
    bad = {
        "400": _json_response("Refused, with a one-line reason", _ref("Error")),
        "401": _ERRORS["401"],
        "413": _json_response(f"Body over {LOG_MAX_BODY_BYTES} bytes", _ref("Error")),
        "503": _ERRORS["503"],
    }
    return {
        "/api/v1/log": {
            "get": {
                "summary": "The shift log: entries written or cleared after a revision, "
                "oldest change first (at most 1000 an answer; `more` says more follow)",
                "parameters": [
                    _query("since_rev", "The `rev` of an earlier answer (default 0: all)",
                           {"type": "integer", "minimum": 0}),
                    _query("open", "1: only open items not cleared", {"enum": ["0", "1"]}),
                    _query("start", "Entries written at or after (epoch seconds)", _NUM),
                    _query("end", "Entries written at or before (epoch seconds)", _NUM),
                ],
                "responses": {"200": _json_response("Entries", _ref("LogEntries"))} | _ERRORS,
            },
            "post": {
                "summary": "Write an entry. Sent again with the same `uid` (a retry), it "
                "is not written twice: the answer is the entry kept (200). Needs the bearer "
                "token when the hub has one.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("LogNewEntry")}},
                },
                "responses": {
                    "201": _json_response("The entry written", _ref("LogEntry")),
                    "200": _json_response("The entry kept before under this uid",
                                          _ref("LogEntry")),
                } | bad,
            },
        },
        "/api/v1/log/{entry}/clear": {
            "post": {
                "summary": "Clear an open item (by its `id` or `uid`) in someone's name",
                "parameters": [{"name": "entry", "in": "path", "required": True,
                                "schema": _STR, "description": "The entry's id or uid"}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("LogClear")}},
                },
                "responses": {
                    "200": _json_response("The entry as cleared", _ref("LogEntry")),
                    "404": _json_response("No such entry", _ref("Error")),
                    "409": _json_response("Cleared already (by whom and when), or no open "
                                          "item", _ref("LogConflict")),
                } | bad,
            },
        },
    }


def openapi_document(log_only: bool = False) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the hub API (``log_only``: of a hub that keeps
    only the shift log, ``main.py hub --log-only``)."""
    if log_only:
        doc = openapi_document()
        doc["info"]["title"] = "Tétouan AI Hub API: shift log"
        doc["info"]["description"] = (
            "The shift log alone (a hub for sites whose telemetry comes from Prometheus and "
            "Slurm). Send `Authorization: Bearer <token>` when the hub requires a token.")
        doc["paths"] = {p: v for p, v in doc["paths"].items()
                        if p.startswith("/api/v1/log") or p == "/healthz"}
        return doc
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tétouan AI Hub API",
            "version": API_VERSION,
            "description": "Site topology, per-rack telemetry, GPU health, site power and "
            "renewable supply, job queue, events and shift log of the hub. Send `Authorization: Bearer "
            "<token>` when the hub requires a token.",
        },
        "paths": {
            "/api/v1/site": _get("Site topology: halls, rows, racks, PDU feeds", "Site"),
            "/api/v1/racks": _get("Current per-rack aggregates, columnar", "RackTelemetry"),
            "/api/v1/racks/{rack_id}": _get(
                "One rack: nodes, GPUs, PDU readings, jobs, recent events",
                "RackDetail",
                [{"name": "rack_id", "in": "path", "required": True, "schema": _STR}],
            ),
            "/api/v1/gpus/unhealthy": _get("Every GPU that is not healthy", "UnhealthyGpus"),
            "/api/v1/power": _get(
                "Site power and supply series",
                "PowerSeries",
                [
                    _query("start", "Epoch seconds (default: end - 1 h)", _NUM),
                    _query("end", "Epoch seconds (default: now)", _NUM),
                    _query("step", "Seconds between points (default 10)", _NUM),
                ],
            ),
            "/api/v1/forecast": _forecast_path(),
            "/api/v1/jobs": _get(
                "Job queue. Every answer carries a `version`; with `since` set to a version "
                "the answer holds only the jobs added or changed since then, the ids that "
                "left (`removed`) and the queue's length (`total`). An unknown or forgotten "
                "version gets the whole queue (no `since` in the answer).",
                "Jobs",
                [_query("since", "A version from an earlier answer", _STR)],
            ),
            "/api/v1/events": _get(
                "Hub events after an id", "Events", [_query("since", "Last event id seen", _INT)]
            ),
            **_log_paths(),
            "/healthz": _get("Liveness", "Health"),
            "/metrics": {
                "get": {
                    "summary": "Prometheus text exposition in dcgm-exporter's format",
                    "parameters": [_query("detail", "gpu (default) or rack", {"enum": ["gpu", "rack"]})],
                    "responses": {
                        "200": {
                            "description": "Prometheus text format 0.0.4",
                            "content": {"text/plain": {"schema": _STR}},
                        }
                    },
                }
            },
            "/api/v1/sim/faults": {
                "post": {
                    "summary": "Simulated hub only: inject a fault now",
                    "requestBody": {
                        "content": {"application/json": {"schema": _ref("FaultRequest")}}
                    },
                    "responses": {"200": _json_response("The event raised", _ref("Event"))},
                }
            },
            "/api/v1/sim/outage": {
                "post": {
                    "summary": "Simulated hub only: start or end an API outage (503)",
                    "requestBody": {
                        "content": {"application/json": {"schema": _ref("OutageRequest")}}
                    },
                    "responses": {"200": _json_response("Outage state", _ref("OutageRequest"))},
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
