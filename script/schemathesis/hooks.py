"""Schemathesis hooks for the indexer's API document, loaded by indexer/tests/it/schemathesis.rs.

`POST /v1/verify-image` takes `image/png`. Left to itself, Schemathesis would send random
bytes as that media type, which are no PNG and rightly refused (415). With these hooks it
sends real PNG files: small, of every colour type the indexer decodes without a palette, at
8 and 16 bits, with random pixels. Only the standard library builds them.
"""

import struct
import zlib

import schemathesis
from hypothesis import strategies as st

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour type -> samples per pixel: grey, RGB, grey + alpha, RGBA.
SAMPLES = {0: 1, 2: 3, 4: 2, 6: 4}


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data."""
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@st.composite
def png_files(draw: st.DrawFn) -> bytes:
    """A well-formed, non-interlaced PNG of at most 16 x 16 pixels."""
    width = draw(st.integers(min_value=1, max_value=16))
    height = draw(st.integers(min_value=1, max_value=16))
    colour = draw(st.sampled_from(sorted(SAMPLES)))
    depth = draw(st.sampled_from([8, 16]))
    row_bytes = width * SAMPLES[colour] * depth // 8
    # Each row: filter type 0 (none), then its samples.
    rows = [
        b"\x00" + draw(st.binary(min_size=row_bytes, max_size=row_bytes))
        for _ in range(height)
    ]
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


schemathesis.openapi.media_type("image/png", png_files())
