"""What a file is by its first bytes, so a download that lies about its type is caught."""

SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF8", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"OggS", "audio/ogg"),
    (0, b"#!AMR", "audio/amr"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\xd0\xcf\x11\xe0", "application/msword"),
    (4, b"ftyp", "video/mp4"),
]
# Families a declared type may be in, for the sniffed type to agree with it.
COMPATIBLE = {
    "image/webp": {"image/webp"},
    "application/zip": {
        "application/vnd.openxmlformats",
        "application/zip",
        "application/vnd.oasis",
    },
    "application/msword": {"application/msword", "application/vnd.ms-"},
    "video/mp4": {"video/", "audio/mp4", "audio/aac", "audio/m4a", "audio/x-m4a"},
}


def sniff(content: bytes) -> str:
    """The detected MIME type, or "" when the bytes match nothing we know."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for offset, magic, mime in SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return mime
    return ""


def agrees(declared: str, content: bytes) -> bool:
    """False only when the bytes are recognisably something other than what was declared."""
    declared = declared.split(";")[0].strip().lower()
    found = sniff(content)
    if not found or not declared:
        return declared not in ("image/jpeg", "image/png", "image/webp", "application/pdf")
    if found == declared:
        return True
    return any(declared.startswith(prefix) for prefix in COMPATIBLE.get(found, set()))
