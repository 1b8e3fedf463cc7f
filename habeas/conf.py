"""Tiny typed readers of the environment, used by settings only.

Every setting an operator may change is read here, so the README's configuration
table and the code cannot drift apart silently: each reader names its variable.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from habeas.lib.crypto import KeyRing, KeyRingError, read_key_file, write_key_file


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be 1 or 0 (got {raw!r}).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number (got {raw!r}).") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str) -> tuple:
    """Addresses or networks ("10.0.0.5, 192.168.0.0/24, ::1"), for trusted proxies."""
    import ipaddress

    networks = []
    for item in os.environ.get(name, "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigurationError(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)."
            ) from None
    return tuple(networks)


def env_webhooks(url_name: str, secret_name: str) -> list[tuple[str, str]]:
    """Webhook endpoints for alerts: space-separated URLs sharing one signing secret."""
    urls = os.environ.get(url_name, "").split()
    secret = os.environ.get(secret_name, "")
    if urls and len(secret) < 16:
        raise ConfigurationError(
            f"{secret_name} must be set (16 characters or more) with {url_name}."
        )
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"{url_name}: {url!r} is not an http(s) URL.")
    return [(url, secret) for url in urls]


def interface_languages(locale_dir: Path) -> list[tuple[str, str]]:
    """English (the messages as written) and every language with a catalogue under
    locale_dir, each named in its own language: adding a language is adding its
    catalogue, no code change (CONTRIBUTING.md, "Add a language")."""
    from django.conf.locale import LANG_INFO

    codes = sorted(
        path.parent.parent.name
        for path in locale_dir.glob("*/LC_MESSAGES/django.po")
        if path.parent.parent.name != "en"
    )
    return [("en", "English")] + [
        (code.replace("_", "-").lower(), LANG_INFO.get(code.lower(), {}).get("name_local", code))
        for code in codes
    ]


def default_data_dir(base_dir: Path) -> Path:
    """`./var` in a checkout; `./var` in the working directory for an installed package."""
    if (base_dir / "pyproject.toml").exists():
        return base_dir / "var"
    return Path.cwd() / "var"


# The SQLite database Habeas keeps in the data directory, and SQLite's files beside it.
SQLITE_NAME = "habeas.sqlite3"
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def ensure_private_dir(path: Path) -> Path:
    """The data directory, its owner's only: it holds the keys and the database.

    Created with mode 0700; one made beforehand (`mkdir`, mode 0755) is tightened to
    0700, and so is the database in it. The process's umask becomes 077, so every
    file Habeas creates afterwards is its owner's only: SQLite creates the database
    and its -wal/-shm files with the umask's mode.
    """
    os.umask(0o077)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot create the data directory {path}: {exc.strerror}."
        ) from None
    for private in (path, *(path / (SQLITE_NAME + s) for s in ("", *SQLITE_SIDECARS))):
        _owner_only(private)
    return path


def _owner_only(path: Path) -> None:
    """Take group and world access away from a file or directory of ours; leave
    anything else (absent, someone else's) for `habeas check --deploy` to report."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077 and path.stat().st_uid == os.geteuid():
            os.chmod(path, mode & 0o700)
    except OSError:
        pass


def secret_key(data_dir: Path) -> str:
    """HABEAS_SECRET_KEY, or a key generated once into the data directory (mode 0600).

    The key signs sessions and CSRF tokens. It never encrypts records: those keys
    are kept apart so that leaking one does not leak the other.
    """
    from_env = os.environ.get("HABEAS_SECRET_KEY", "")
    if from_env:
        if len(from_env) < 50:
            raise ConfigurationError("HABEAS_SECRET_KEY must be at least 50 characters long.")
        return from_env
    path = data_dir / "secret_key"
    if not path.exists():
        ensure_private_dir(data_dir)
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
    try:
        value = path.read_text().strip()
    except OSError as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc.strerror}.") from None
    if len(value) < 50:
        raise ConfigurationError(f"{path} is damaged (too short); remove it to generate a new key.")
    return value


def keyring(data_dir: Path) -> tuple[KeyRing, Path | None]:
    """The keys that encrypt confidential fields and files, and the file they came from.

    HABEAS_KEYS (the key ring's JSON itself), or the file HABEAS_KEY_FILE (default
    `DATA_DIR/keys.json`). The default file is generated on first start (mode 0600);
    a file named by HABEAS_KEY_FILE must exist, since a missing one more likely means
    an unmounted volume than a new installation. Never derived from SECRET_KEY.
    """
    from_env = os.environ.get("HABEAS_KEYS", "")
    if from_env:
        try:
            return KeyRing.from_json(from_env), None
        except KeyRingError as exc:
            raise ConfigurationError(f"HABEAS_KEYS is not a usable key ring: {exc}.") from None
    named = os.environ.get("HABEAS_KEY_FILE", "")
    path = Path(named).resolve() if named else data_dir / "keys.json"
    if not named and not path.exists():
        ensure_private_dir(data_dir)
        try:
            write_key_file(path, KeyRing.generate(), replace=False)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot create the key file {path}: {exc.strerror}."
            ) from None
    try:
        return read_key_file(path), path
    except KeyRingError as exc:
        message = str(exc)
        if named and not path.exists():
            message += " (HABEAS_KEY_FILE names it; restore it from your key backup)"
        raise ConfigurationError(message[0].upper() + message[1:] + ".") from None
