"""Settings: where the library lives and the limits that protect it.

Read from environment variables first, then `settings.toml` inside the library folder,
then the defaults below. One `Settings` object is passed around; nothing else reads env.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import LibraryError


def default_library_path() -> Path:
    """A per-user location, following the XDG convention on Linux."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "curbside" / "library"


@dataclass(frozen=True)
class Settings:
    library: Path
    max_file_bytes: int = 50 * 1024 * 1024  # a larger file is refused, not read into memory
    ingest_batch: int = 200  # documents per transaction
    embed_batch: int = 16  # passages per encoder call; small batches ran fastest on 2 cores (bench/vectors.py)
    embed_max_tokens: int = 128  # what the encoder sees of each passage
    # Sections that are background, not evidence to quote (grade definitions, a guideline's
    # objectives and scope): BM25 still finds them, but embedding them cost a fifth of the
    # demo library's ingest time. GLOB patterns on the passage's section path.
    embed_skip_sections: tuple[str, ...] = (
        "*› Definitions*",
        "Guideline Objective(s)*",
        "Target Population*",
        "Interventions and Practices Considered*",
        "Major Outcomes Considered*",
        "Disease/Condition(s)*",
        "Other Disease/Condition(s) Addressed*",
    )
    superseded_after_years: int = 5  # sources older than this are flagged in articles
    today_year: int = 0  # the year articles date their evidence against; 0 = this year
    max_request_bytes: int = 64 * 1024  # a larger HTTP request body is refused before it is read
    # The editorial policy page: this Markdown file inside the library folder, or the default one
    # curbside ships when the library has none.
    editorial_policy_file: str = "editorial-policy.md"
    approvals_needed: int = 1  # reviewers' approvals that publish an article
    session_hours: int = 12  # how long a sign-in lasts
    # Reverse proxies (addresses or CIDR networks, e.g. ["127.0.0.1", "10.0.0.0/8"]) whose
    # X-Forwarded-For names the real client. Sign-in throttling counts failures per client address,
    # so behind a proxy name it here; no one else's forwarded header is believed (default: none).
    trusted_proxies: tuple[str, ...] = ()

    @classmethod
    def load(cls, library: str | Path | None = None) -> "Settings":
        path = Path(library or os.environ.get("CURBSIDE_LIBRARY") or default_library_path())
        settings = cls(library=path.expanduser())
        toml_file = settings.library / "settings.toml"
        if toml_file.exists():
            try:
                values = tomllib.loads(toml_file.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise LibraryError(f"{toml_file} is not valid TOML ({exc}); fix or delete it.") from None
            known = {f.name for f in fields(cls)} - {"library"}
            settings = replace(settings, **{k: v for k, v in values.items() if k in known})
            settings = replace(settings, trusted_proxies=_proxies(settings.trusted_proxies, toml_file))
        return settings


def _proxies(value, toml_file: Path) -> tuple[str, ...]:
    """The trusted proxies as a tuple of networks, refusing an entry that is not an address or network."""
    import ipaddress

    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, (list, tuple)):
        raise LibraryError(f'trusted_proxies in {toml_file} must be a list of addresses, e.g. ["127.0.0.1"]; fix it.')
    for entry in entries:
        try:
            ipaddress.ip_network(str(entry), strict=False)
        except ValueError:
            raise LibraryError(
                f"trusted_proxies in {toml_file} holds {entry!r}, which is not an IP address or "
                f'network such as "10.0.0.0/8"; fix or remove it.'
            ) from None
    return tuple(str(entry) for entry in entries)
