"""Values and files encrypted with habeas.lib.crypto: what decrypts, and what must not."""

from __future__ import annotations

import base64
import io
import json
import os

import pytest

from habeas.lib import crypto
from habeas.lib.crypto import DecryptionError, KeyRing, KeyRingError

AAD = "sources.source.identity#5f0c3c1e-6b1e-4c53-9d53-7d2f0d2b1a11"


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.generate()


def flip(token: str, position: int) -> str:
    """The token with one bit of its binary body flipped."""
    header, body = token.rsplit("$", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[position] ^= 0x01
    return f"{header}${base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


# --- values ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "Cousin: CANARY-IDENTITY", "Рустам Исаков 🕊", "x" * 5000])
def test_round_trip(ring, text):
    token = crypto.encrypt(ring, text, AAD)
    assert token.isascii()
    assert text == "" or text not in token
    assert crypto.decrypt(ring, token, AAD) == text


def test_token_names_the_key_and_is_fresh_every_time(ring):
    first, second = (crypto.encrypt(ring, "same", AAD) for _ in range(2))
    assert first.startswith(f"hv1${ring.active}$")
    assert crypto.key_id_of(first) == ring.active
    assert first != second  # random nonce


def test_length_is_padded_so_short_values_look_alike(ring):
    assert len(crypto.encrypt(ring, "Ali", AAD)) == len(crypto.encrypt(ring, "Aleksandr B.", AAD))


def test_wrong_binding_is_rejected_as_a_row_swap(ring):
    token = crypto.encrypt(ring, "secret", AAD)
    with pytest.raises(DecryptionError, match="another record"):
        crypto.decrypt(ring, token, AAD.replace("5f0c", "6f0c"))
    with pytest.raises(DecryptionError):
        crypto.decrypt(ring, token, "sources.source.contact#" + AAD.split("#")[1])


@pytest.mark.parametrize("position", [0, 11, 12, 20, -1])
def test_tampering_with_any_byte_is_rejected(ring, position):
    token = crypto.encrypt(ring, "secret", AAD)
    with pytest.raises(DecryptionError) as caught:
        crypto.decrypt(ring, flip(token, position), AAD)
    assert "secret" not in str(caught.value)


def test_truncated_or_garbled_token_is_rejected(ring):
    token = crypto.encrypt(ring, "secret", AAD)
    for broken in (token[:-4], token[:12], token + "AAAA", token.replace("$", "$$", 1), "hv1$k1$"):
        with pytest.raises(DecryptionError):
            crypto.decrypt(ring, broken, AAD)


@pytest.mark.parametrize("plain", ["Cousin: CANARY-IDENTITY", "hv1 not a token", "", "hv1$"])
def test_plaintext_is_not_a_token(ring, plain):
    with pytest.raises(DecryptionError) as caught:
        crypto.decrypt(ring, plain, AAD)
    assert "CANARY" not in str(caught.value)


def test_a_token_under_a_key_the_ring_lacks_is_rejected(ring):
    token = crypto.encrypt(KeyRing.generate("k9"), "secret", AAD)
    with pytest.raises(DecryptionError, match="'k9', which is not in the key ring"):
        crypto.decrypt(ring, token, AAD)
    # Same id, different key material: a tag mismatch.
    with pytest.raises(DecryptionError):
        crypto.decrypt(ring, crypto.encrypt(KeyRing.generate(), "secret", AAD), AAD)


def test_changing_the_key_id_in_a_token_is_rejected(ring):
    rotated = ring.rotated()
    token = crypto.encrypt(rotated, "secret", AAD)  # under k2
    relabelled = token.replace(f"hv1${rotated.active}$", f"hv1${ring.active}$")
    with pytest.raises(DecryptionError):
        crypto.decrypt(rotated, relabelled, AAD)


def test_rotation_keeps_old_keys_for_reading_and_reencrypts_under_the_new(ring):
    old = crypto.encrypt(ring, "secret", AAD)
    rotated = ring.rotated()
    assert rotated.active.startswith("k2-") and rotated.retired == {ring.active}
    assert crypto.decrypt(rotated, old, AAD) == "secret"
    new = crypto.reencrypt(rotated, old, AAD)
    assert crypto.key_id_of(new) == rotated.active
    assert crypto.reencrypt(rotated, new, AAD) == new  # already under the active key
    assert rotated.rotated().active.startswith("k3-")
    assert rotated.without({ring.active}).keys.keys() == {rotated.active}
    with pytest.raises(KeyRingError):
        rotated.without({rotated.active})


def test_key_ids_are_numbered_but_never_reused():
    first, again = KeyRing.generate(), KeyRing.generate()
    assert first.active.startswith("k1-") and again.active.startswith("k1-")
    assert first.active != again.active  # a regenerated ring cannot pass for the lost one


def test_key_material_never_shows_in_repr(ring):
    key = base64.b64encode(ring.keys[ring.active]).decode()
    assert key not in repr(ring)
    assert ring.keys[ring.active].hex() not in repr(ring)


# --- key files -------------------------------------------------------------------


def test_key_file_round_trip_with_owner_only_mode(tmp_path, ring):
    path = tmp_path / "keys.json"
    rotated = ring.rotated()
    crypto.write_key_file(path, rotated)
    assert (path.stat().st_mode & 0o777) == 0o600
    data = json.loads(path.read_text())
    assert data["version"] == 1 and data["active"] == rotated.active
    assert data["keys"][ring.active]["retired"] is True
    assert "retired" not in data["keys"][rotated.active]
    assert crypto.read_key_file(path) == rotated
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_write_key_file_without_replace_keeps_the_existing_file(tmp_path, ring):
    path = tmp_path / "keys.json"
    assert crypto.write_key_file(path, ring, replace=False)
    assert not crypto.write_key_file(path, KeyRing.generate(), replace=False)
    assert crypto.read_key_file(path).keys == ring.keys


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not JSON"),
        ('{"version": 2, "active": "k1", "keys": {}}', '"version": 1'),
        ('{"version": 1, "active": "k1"}', '"keys"'),
        ('{"version": 1, "active": "k1", "keys": {}}', "no keys"),
        ('{"version": 1, "active": "k1", "keys": {"k1": {"key": "!!"}}}', "not base64"),
        ('{"version": 1, "active": "k1", "keys": {"k1": {"key": "c2hvcnQ="}}}', "32 bytes"),
        ('{"version": 1, "active": "k2", "keys": {"k1": {"key": "KEY"}}}', "'k2' is not in"),
        (
            '{"version": 1, "active": "k1", "keys": {"k1": {"key": "KEY", "retired": true}}}',
            "retired",
        ),
        ('{"version": 1, "active": "a$b", "keys": {"a$b": {"key": "KEY"}}}', "key ids"),
    ],
)
def test_malformed_key_files_are_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "keys.json"
    path.write_text(content.replace("KEY", base64.b64encode(b"k" * 32).decode()))
    path.chmod(0o600)
    with pytest.raises(KeyRingError, match="is damaged") as caught:
        crypto.read_key_file(path)
    assert reason in str(caught.value)
    assert base64.b64encode(b"k" * 32).decode() not in str(caught.value)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_key_file_open_to_others_is_refused(tmp_path, ring, mode):
    path = tmp_path / "keys.json"
    crypto.write_key_file(path, ring)
    path.chmod(mode)
    with pytest.raises(KeyRingError, match=f"open to other users \\(mode 0{mode:o}\\)"):
        crypto.read_key_file(path)


def test_missing_key_file_is_refused(tmp_path):
    with pytest.raises(KeyRingError, match="does not exist"):
        crypto.read_key_file(tmp_path / "keys.json")


def test_unreadable_key_file_is_refused(tmp_path):
    path = tmp_path / "keys.json"
    path.mkdir(mode=0o700)  # unreadable as a file, even for root
    with pytest.raises(KeyRingError, match="cannot read the key file"):
        crypto.read_key_file(path)


# --- streams -----------------------------------------------------------------------

CHUNK = crypto.STREAM_CHUNK
FILE_AAD = b"evidence#42"


def seal(ring: KeyRing, data: bytes, aad: bytes = FILE_AAD) -> bytes:
    out = io.BytesIO()
    crypto.encrypt_stream(ring, io.BytesIO(data), out, aad)
    return out.getvalue()


def unseal(ring: KeyRing, data: bytes, aad: bytes = FILE_AAD) -> bytes:
    out = io.BytesIO()
    crypto.decrypt_stream(ring, io.BytesIO(data), out, aad)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_stream_round_trip(ring, size):
    data = os.urandom(size)
    sealed = seal(ring, data)
    assert unseal(ring, sealed) == data
    assert crypto.stream_key_id(io.BytesIO(sealed)) == ring.active
    if size >= 64:
        assert data[:64] not in sealed


def header_length(ring: KeyRing) -> int:
    return len(crypto.STREAM_MAGIC) + 2 + len(ring.active) + crypto.STREAM_SALT_BYTES


def chunks_of(ring: KeyRing, sealed: bytes) -> tuple[bytes, list[bytes]]:
    start = header_length(ring)
    size = CHUNK + crypto.TAG_BYTES
    body = sealed[start:]
    return sealed[:start], [body[i : i + size] for i in range(0, len(body), size)]


def test_truncated_stream_is_rejected(ring):
    sealed = seal(ring, os.urandom(3 * CHUNK + 5))
    header, chunks = chunks_of(ring, sealed)
    assert len(chunks) == 4
    for broken in (
        header + b"".join(chunks[:3]),  # the final chunk dropped: a clean chunk boundary
        sealed[:-1],
        header,
        sealed[:10],
        b"",
    ):
        with pytest.raises(DecryptionError):
            unseal(ring, broken)


def test_truncating_an_exact_multiple_of_the_chunk_size_is_rejected(ring):
    sealed = seal(ring, os.urandom(2 * CHUNK))
    header, chunks = chunks_of(ring, sealed)
    with pytest.raises(DecryptionError):
        unseal(ring, header + chunks[0])


def test_reordered_duplicated_or_appended_chunks_are_rejected(ring):
    sealed = seal(ring, os.urandom(3 * CHUNK + 5))
    header, chunks = chunks_of(ring, sealed)
    for broken in (
        header + chunks[1] + chunks[0] + chunks[2] + chunks[3],
        header + chunks[0] + chunks[0] + chunks[1] + chunks[2] + chunks[3],
        sealed + chunks[3],
        sealed + b"\x00",
    ):
        with pytest.raises(DecryptionError):
            unseal(ring, broken)


def test_stream_tampering_and_other_binding_are_rejected(ring):
    sealed = bytearray(seal(ring, b"evidence " * 100))
    with pytest.raises(DecryptionError):
        unseal(ring, bytes(sealed), aad=b"evidence#43")
    for position in (5, header_length(ring) - 1, header_length(ring) + 3, len(sealed) - 1):
        broken = bytearray(sealed)
        broken[position] ^= 0x01
        with pytest.raises(DecryptionError):
            unseal(ring, bytes(broken))


def test_stream_under_unknown_key_or_not_encrypted_is_rejected(ring):
    with pytest.raises(DecryptionError, match="not in the key ring"):
        unseal(ring, seal(KeyRing.generate("k7"), b"data"))
    with pytest.raises(DecryptionError, match="not an encrypted Habeas file"):
        unseal(ring, b"%PDF-1.7 plain file")


def test_reencrypt_stream_moves_a_file_to_the_active_key(ring):
    data = os.urandom(CHUNK + 10)
    old = seal(ring, data)
    rotated = ring.rotated()
    out = io.BytesIO()
    crypto.reencrypt_stream(rotated, io.BytesIO(old), out, FILE_AAD)
    assert crypto.stream_key_id(io.BytesIO(out.getvalue())) == rotated.active
    assert unseal(rotated, out.getvalue()) == data
