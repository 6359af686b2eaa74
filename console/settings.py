"""Settings: a TOML config file, overridden by the environment, overridden by the CLI.

The file lives in the user's config directory (``config.toml``) unless ``--config``
names another. Tokens may come from the file or the environment (``HUB_TOKEN``,
``SLURM_JWT``), never from the command line, and never reach logs or the cache:
:meth:`Settings.redacted` is what may be shown. A password in a source URL
(``https://user:password@host``) is taken out of the URL when the settings are loaded
and kept in memory only (:attr:`Settings.credentials`), used as HTTP basic auth.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from console.poller import DEFAULT_INTERVALS
from console.sources.base import Source
from console.sources.limits import (
    HUB_LIMITS,
    PROMETHEUS_LIMITS,
    SECRET_HEADERS,
    SLURM_LIMITS,
    limits_from,
    split_credentials,
)

APP_NAME = "hub-ops-console"
ORG_NAME = "Tetouan AI Hub"
DEFAULT_SOURCE = "sim://tetouan"


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the problem."""


def config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_cache_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "cache.db"


@dataclass
class Settings:
    """Everything configurable, with defaults that run the simulated hub."""

    source: str = DEFAULT_SOURCE
    cache: str | None = None
    """Path of the SQLite cache; None = the user's data directory; "off" = no cache."""
    token: str | None = field(default=None, repr=False)
    timeout_connect: float = HUB_LIMITS.timeout[0]
    timeout_read: float = HUB_LIMITS.timeout[1]
    deadline_s: float = HUB_LIMITS.deadline_s
    """The whole of one hub API request, first connect to last byte (retries included)."""
    max_body_mb: float = HUB_LIMITS.max_body_mb
    """The most of one hub API answer read, after decompression."""
    retries: int = 2
    verify_tls: bool | str = True
    poll: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_INTERVALS))
    cache_max_mb: float = 2048.0
    cache_raw_hours: float = 6.0
    alarms: dict[str, Any] = field(default_factory=dict)
    prometheus: dict[str, Any] = field(default_factory=dict, repr=False)
    """May hold secret headers (``Authorization``): :meth:`redacted` shows them as ``***``."""
    slurm: dict[str, Any] = field(default_factory=dict, repr=False)
    log: dict[str, Any] = field(default_factory=dict, repr=False)
    """``[log]``: ``url`` of the hub that keeps the shift log of a site read from Prometheus
    and Slurm (``main.py hub --log-only``), its ``token`` (default: the hub token),
    ``verify_tls`` and limits (default: ``[hub]``'s)."""
    site_topology: str | None = None
    steering: dict[str, Any] = field(default_factory=dict)
    energy: dict[str, Any] = field(default_factory=dict)
    """``[energy]``: the idle-GPU rule (``idle_util_pct``, default 5; ``idle_minutes``,
    default 30): console.energy.idle.IdleRule."""
    carbon: dict[str, Any] = field(default_factory=dict, repr=False)
    """``[carbon]``: the grid carbon intensity (``grid_g_per_kwh``, default the cited
    console.carbon.GRID_CARBON_G_PER_KWH) and the optional Electricity Maps source
    (``electricitymaps_token``, also ``ELECTRICITYMAPS_TOKEN``; ``zone``;
    ``electricitymaps_url``): console.sources.electricitymaps.feed_from_settings."""
    """``[steering]``: what work may move in time (console.steering.SteeringPolicy)."""
    forecast: dict[str, Any] = field(default_factory=dict)
    """``[forecast]``: the Prometheus series of a forecast (one PromQL expression a field,
    its quantile and horizon labels, the issue time): console.sources.prom_forecast."""
    lang: str | None = None
    """``[ui] lang``: the windows' language (en, fr, ar); None: the system locale's."""
    site: dict[str, Any] = field(default_factory=dict)
    """The site profile (``[site]``): ``power`` holds the energy flows (console.site_power)."""
    config_file: str | None = None
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False,
                                                    compare=False)
    """``{URL without user info: (user, password)}`` taken out of the URLs given: kept in
    memory for this run only, never stored or shown (:func:`take_credentials`)."""

    @property
    def cache_path(self) -> Path | None:
        if self.cache == "off":
            return None
        return Path(self.cache) if self.cache else default_cache_path()

    def redacted(self) -> dict[str, Any]:
        """The settings with every secret replaced, safe to log or export."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "token":
                value = "***" if value else None
            elif f.name in ("slurm", "log", "carbon") and isinstance(value, dict):
                value = {k: ("***" if "token" in k or "jwt" in k else v) for k, v in value.items()}
            elif f.name == "credentials":
                value = {url: "***" for url in value}
            elif f.name == "prometheus" and isinstance(value.get("headers"), dict):
                value = {**value, "headers": {
                    k: ("***" if k.lower() in SECRET_HEADERS else v)
                    for k, v in value["headers"].items()}}
            out[f.name] = value
        return out


def take_credentials(settings: Settings, url: str) -> str:
    """``url`` without ``user:password@``; the password is kept in ``settings.credentials``
    (memory only) for the URL returned."""
    clean, auth = split_credentials(url)
    if auth is not None:
        settings.credentials[clean] = auth
    return clean


def _take_all_credentials(settings: Settings) -> None:
    settings.source = take_credentials(settings, settings.source)
    for table in (settings.prometheus, settings.slurm, settings.log):
        if table.get("url"):
            table["url"] = take_credentials(settings, str(table["url"]))
    if settings.site_topology:
        settings.site_topology = take_credentials(settings, settings.site_topology)


def _number(table: dict[str, Any], key: str, where: str) -> float:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where}: '{key}' must be a positive number")
    return float(value)


def _apply_file(settings: Settings, data: dict[str, Any], where: str) -> None:
    if "source" in data:
        settings.source = str(data["source"])
    if "cache" in data:
        settings.cache = str(data["cache"])
    if "site_topology" in data:
        settings.site_topology = str(data["site_topology"])
    hub = data.get("hub", {})
    if not isinstance(hub, dict):
        raise ConfigError(f"{where}: [hub] must be a table")
    if "token" in hub:
        settings.token = str(hub["token"])
    for key in ("timeout_connect", "timeout_read", "deadline_s", "max_body_mb"):
        if key in hub:
            setattr(settings, key, _number(hub, key, where))
    if "retries" in hub:
        settings.retries = int(hub["retries"])
    if "verify_tls" in hub:
        settings.verify_tls = hub["verify_tls"]
    poll = data.get("poll", {})
    for key, _value in poll.items():
        if key not in DEFAULT_INTERVALS:
            raise ConfigError(f"{where}: unknown poll kind '{key}' in [poll]")
        settings.poll[key] = _number(poll, key, where)
    cache = data.get("retention", {})
    if isinstance(cache, dict):
        if "max_mb" in cache:
            settings.cache_max_mb = _number(cache, "max_mb", where)
        if "raw_hours" in cache:
            settings.cache_raw_hours = _number(cache, "raw_hours", where)
    _apply_ui(settings, data.get("ui", {}), where)
    for name in ("alarms", "prometheus", "slurm", "site", "log"):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        getattr(settings, name).update(table)
    for name, default in (("prometheus", PROMETHEUS_LIMITS), ("slurm", SLURM_LIMITS),
                          ("log", HUB_LIMITS)):
        try:
            limits_from(getattr(settings, name), default, f"{where}: [{name}] ")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    _check_site_profile(settings, where)
    _apply_steering(settings, data.get("steering", {}), where)
    _apply_carbon(settings, data.get("carbon", {}), where)
    _apply_energy(settings, data.get("energy", {}), where)
    _apply_forecast(settings, data.get("forecast", {}), where)


def _apply_forecast(settings: Settings, table: Any, where: str) -> None:
    """``[forecast]``: checked here (console.sources.prom_forecast.parse_forecast), so a
    wrong key is said at start-up."""
    from console.sources.prom_forecast import parse_forecast

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [forecast] must be a table")
    try:
        parse_forecast({**settings.forecast, **table}, f"{where}: [forecast]")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    settings.forecast.update(table)


def _apply_energy(settings: Settings, table: Any, where: str) -> None:
    """``[energy]``: the idle-GPU rule, checked here (a wrong key is said at start-up)."""
    from console.energy.idle import IdleRule

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [energy] must be a table")
    try:
        IdleRule.from_dict({**settings.energy, **table}, f"{where}: [energy]")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    settings.energy.update(table)


def _apply_steering(settings: Settings, table: Any, where: str) -> None:
    """``[steering]``: the deferrable partitions, tenants and tenant kinds, the advice's
    window and horizon (checked here, so a wrong key is said at start-up)."""
    from console.steering import SteeringPolicy

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [steering] must be a table")
    try:
        SteeringPolicy.from_dict({**settings.steering, **table}, f"{where}: [steering]")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    settings.steering.update(table)


def _apply_carbon(settings: Settings, table: Any, where: str) -> None:
    """``[carbon]``: checked here (console.carbon.check_carbon_table and the request
    limits), so a wrong key is said at start-up."""
    from console.carbon import check_carbon_table
    from console.sources.electricitymaps import ELECTRICITYMAPS_LIMITS

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [carbon] must be a table")
    try:
        check_carbon_table(table, f"{where}: [carbon]")
        limits_from(table, ELECTRICITYMAPS_LIMITS, f"{where}: [carbon] ")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    settings.carbon.update(table)


def _apply_ui(settings: Settings, ui: Any, where: str) -> None:
    """``[ui]``: the windows' language (``lang``)."""
    from console.i18n import LANGUAGES

    if not isinstance(ui, dict):
        raise ConfigError(f"{where}: [ui] must be a table")
    unknown = set(ui) - {"lang"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} in [ui]")
    if "lang" in ui:
        lang = ui["lang"]
        if not isinstance(lang, str) or lang.strip().lower() not in LANGUAGES:
            raise ConfigError(f"{where}: [ui] lang must be one of {', '.join(LANGUAGES)}, "
                              f"not {lang!r}")
        settings.lang = lang.strip().lower()


def _check_site_profile(settings: Settings, where: str) -> None:
    """Refuse a site profile the Prometheus source could not use, naming the key."""
    import re

    from console.site_power import parse_power_profile

    unknown = set(settings.site) - {"power"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} in [site]")
    if "power" in settings.site:
        try:
            parse_power_profile(settings.site["power"], "[site.power]")
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    pattern = settings.prometheus.get("host_pattern")
    if pattern is not None:
        try:
            compiled = re.compile(str(pattern))
        except re.error as exc:
            raise ConfigError(f"{where}: [prometheus] host_pattern is not a regex ({exc})") from None
        template = str(settings.prometheus.get("rack_template", "{rack}"))
        wanted = set(re.findall(r"{(\w+)", template))
        if not wanted or not wanted <= set(compiled.groupindex):
            raise ConfigError(
                f"{where}: [prometheus] host_pattern needs the named group(s) "
                f"{', '.join(sorted(wanted)) or 'rack'} used by rack_template {template!r}, "
                f'e.g. "(?P<rack>[a-z]-\\d+-\\d+)-n\\d+"'
            )


def load_settings(
    config_file: str | Path | None = None,
    env: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Build settings from file, then environment, then CLI ``overrides``."""
    env = dict(os.environ) if env is None else env
    settings = Settings()
    path = Path(config_file) if config_file else Path(env.get("HUB_CONSOLE_CONFIG", config_path()))
    explicit = config_file is not None or "HUB_CONSOLE_CONFIG" in env
    if path.exists():
        import tomllib  # ~5 ms of imports (and regex compiles) a start with no file needs not

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise ConfigError(f"config file {path}: cannot be read ({exc.strerror})") from None
        _apply_file(settings, data, f"config file {path}")
        settings.config_file = str(path)
    elif explicit:
        raise ConfigError(f"config file {path} does not exist")
    if env.get("HUB_SOURCE"):
        settings.source = env["HUB_SOURCE"]
    if env.get("HUB_TOKEN"):
        settings.token = env["HUB_TOKEN"]
    if env.get("HUB_CACHE"):
        settings.cache = env["HUB_CACHE"]
    if env.get("SLURM_JWT"):
        settings.slurm["token"] = env["SLURM_JWT"]
    if env.get("ELECTRICITYMAPS_TOKEN"):
        settings.carbon["electricitymaps_token"] = env["ELECTRICITYMAPS_TOKEN"]
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key in ("prometheus_url",):
            settings.prometheus["url"] = value
        elif key in ("slurm_url",):
            settings.slurm["url"] = value
        else:
            setattr(settings, key, value)
    _take_all_credentials(settings)
    return settings


def source_options(settings: Settings, url: str | None = None) -> dict[str, Any]:
    """Keyword options for :func:`console.sources.open_source` from settings (``url``: the
    source's URL, for the password given with it)."""
    return {
        "token": settings.token,
        "timeout": (settings.timeout_connect, settings.timeout_read),
        "deadline_s": settings.deadline_s,
        "max_body_mb": settings.max_body_mb,
        "retries": settings.retries,
        "verify": settings.verify_tls,
        "auth": settings.credentials.get(url) if url else None,
    }


def make_source(settings: Settings, url: str | None = None) -> Source:
    """The source the settings ask for: Prometheus + slurmrestd when their URLs are set,
    else the source of ``url`` (default: ``settings.source``) by its scheme. With an
    Electricity Maps token in ``[carbon]``, a live source delivers its ``forecast`` with the
    zone's grid carbon forecast merged in (console.sources.grid_carbon)."""
    from console.sources import open_source
    from console.sources.combined import combined_from_settings
    from console.sources.grid_carbon import with_grid_carbon

    source: Source | None = combined_from_settings(settings)
    if source is None:
        url = take_credentials(settings, url or settings.source)
        source = open_source(url, **source_options(settings, url))
    try:
        return with_grid_carbon(source, settings.carbon)
    except ValueError:
        source.close()
        raise
