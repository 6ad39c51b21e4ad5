"""AES-CBC encryption (FIPS-197), as libvirt encrypts secrets for QEMU.

libvirt hands QEMU every secret (disk auth, LUKS passphrases, TLS key
passwords) as `-object secret` data encrypted with AES-256-CBC under the
domain's master key (qemuDomainSecretAESSetup, virCryptoEncryptData with
PKCS#7 padding). Only encryption is needed, and the data is a few dozen
bytes, so a small table-driven implementation does without a dependency.
"""

from __future__ import annotations

import functools


def _xtime(a: int) -> int:
    a <<= 1
    return (a ^ 0x11B) if a & 0x100 else a


def _inverses() -> list[int]:
    """The multiplicative inverse of each byte in GF(2^8) (0 for 0), from
    the powers of the generator 3: the inverse of 3^i is 3^(255-i)."""
    power = [0] * 255
    log = [0] * 256
    x = 1
    for i in range(255):
        power[i] = x
        log[x] = i
        x ^= _xtime(x)  # times 3
    return [power[(255 - log[x]) % 255] if x else 0 for x in range(256)]


@functools.cache
def _sbox() -> tuple[int, ...]:
    """The S-box: the multiplicative inverse in GF(2^8), then the affine map."""
    box = []
    for inv in _inverses():
        s = inv
        for shift in range(1, 5):
            s ^= ((inv << shift) | (inv >> (8 - shift))) & 0xFF
        box.append(s ^ 0x63)
    return tuple(box)


@functools.lru_cache(maxsize=8)
def _expand_key(key: bytes) -> tuple[tuple[int, ...], ...]:
    """The round keys, 16 bytes each (FIPS-197 section 5.2)."""
    sbox = _sbox()
    nk = len(key) // 4
    rounds = nk + 6
    words = [list(key[4 * i:4 * i + 4]) for i in range(nk)]
    rcon = 1
    for i in range(nk, 4 * (rounds + 1)):
        temp = list(words[i - 1])
        if i % nk == 0:
            temp = [sbox[b] for b in temp[1:] + temp[:1]]
            temp[0] ^= rcon
            rcon = _xtime(rcon)
        elif nk > 6 and i % nk == 4:
            temp = [sbox[b] for b in temp]
        words.append([a ^ b for a, b in zip(words[i - nk], temp, strict=True)])
    return tuple(tuple(b for word in words[4 * r:4 * r + 4] for b in word)
                 for r in range(rounds + 1))


# xtime of every byte, looked up in MixColumns
_XTIME = tuple(_xtime(a) & 0xFF for a in range(256))


def _encrypt_block(block: list[int], round_keys: tuple[tuple[int, ...], ...]) -> list[int]:
    sbox = _sbox()
    xt = _XTIME
    state = [b ^ k for b, k in zip(block, round_keys[0], strict=True)]
    last = len(round_keys) - 1
    for rnd in range(1, last + 1):
        state = [sbox[b] for b in state]
        # ShiftRows: the state is column-major, row r moves left by r.
        state = [state[(i + 4 * (i % 4)) % 16] for i in range(16)]
        if rnd != last:
            mixed = []
            for c in range(4):
                a = state[4 * c:4 * c + 4]
                mixed += [
                    xt[a[0]] ^ xt[a[1]] ^ a[1] ^ a[2] ^ a[3],
                    a[0] ^ xt[a[1]] ^ xt[a[2]] ^ a[2] ^ a[3],
                    a[0] ^ a[1] ^ xt[a[2]] ^ xt[a[3]] ^ a[3],
                    xt[a[0]] ^ a[0] ^ a[1] ^ a[2] ^ xt[a[3]],
                ]
            state = mixed
        state = [b ^ k for b, k in zip(state, round_keys[rnd], strict=True)]
    return state


def encrypt_block(key: bytes, block: bytes) -> bytes:
    """One block under AES-128/192/256 (the key length decides)."""
    if len(key) not in (16, 24, 32) or len(block) != 16:
        raise ValueError("AES takes a 16, 24 or 32 byte key and a 16 byte block")
    return bytes(_encrypt_block(list(block), _expand_key(key)))


@functools.lru_cache(maxsize=64)
def encrypt_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    """CBC with PKCS#7 padding (a full block of padding when aligned). A
    test host's key, IV and secrets repeat: the result is kept."""
    if len(key) not in (16, 24, 32) or len(iv) != 16:
        raise ValueError("AES-CBC takes a 16, 24 or 32 byte key and a 16 byte IV")
    pad = 16 - len(data) % 16
    padded = data + bytes([pad]) * pad
    round_keys = _expand_key(key)
    previous = list(iv)
    out = bytearray()
    for start in range(0, len(padded), 16):
        block = [b ^ p for b, p in zip(padded[start:start + 16], previous, strict=True)]
        previous = _encrypt_block(block, round_keys)
        out += bytes(previous)
    return bytes(out)
