"""Reading MIME of any shape: bodies with honest or lying charsets, HTML to text, attachments.

Bounded: at most MAX_PARTS parts and MAX_DEPTH levels are looked at, so a MIME bomb of
10,000 nested parts costs milliseconds and the rest of the message is still shown.
"""

import binascii
import html as html_lib
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from bereikbaar.channels.email.special_parts import DEFAULT_NAMES

MAX_PARTS = 500
MAX_DEPTH = 40
_LATIN = {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}


@dataclass
class Body:
    text: str = ""
    html: str = ""
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, data
    truncated: bool = False  # more parts than we look at


def decode(data: bytes, charset: str | None) -> str:
    """Bytes to text: the declared charset when it is true, else UTF-8, else Windows-1252."""
    charset = (charset or "").strip().lower()
    if charset in _LATIN or not charset:
        try:  # the common lie: UTF-8 bytes labelled as Latin-1 or ASCII
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def part_text(part: Message) -> str:
    data = part.get_payload(decode=True) or b""
    try:
        charset = part.get_content_charset()
    except Exception:  # a charset parameter that is not even readable
        charset = None
    return decode(data, charset)


def read_body(message: EmailMessage) -> Body:
    body = Body()
    _walk(message, body, depth=0, counter=[0])
    return body


def _walk(part: Message, body: Body, depth: int, counter: list[int]) -> None:
    counter[0] += 1
    if counter[0] > MAX_PARTS or depth > MAX_DEPTH:
        body.truncated = True
        return
    ctype = part.get_content_type()
    if part.is_multipart():
        if ctype == "message/rfc822":  # a forwarded mail: kept whole, as a file
            inner = part.get_payload()
            data = inner[0].as_bytes() if inner and hasattr(inner[0], "as_bytes") else b""
            body.attachments.append((_filename(part, "doorgestuurd.eml"), ctype, data))
            return
        for child in part.get_payload():
            if isinstance(child, Message):
                _walk(child, body, depth + 1, counter)
        return
    if ctype.startswith("multipart/"):  # declared multipart, but no boundary: no parts, so
        payload = part.get_payload()  # its content is read as text, best effort, not dropped
        if isinstance(payload, str) and payload.strip() and not body.text:
            body.text = decode(payload.encode("utf-8", "surrogateescape"), None).strip()
        return
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part, "")
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        text = part_text(part)
        if ctype == "text/plain" and not body.text:
            body.text = text
        elif ctype == "text/html" and not body.html:
            body.html = text
        else:  # a second body part (e.g. Apple Mail's split body): kept in order
            if ctype == "text/plain":
                body.text += "\n" + text
            else:
                body.html += text
        return
    data = content(part)
    default = DEFAULT_NAMES.get(ctype) or _default_name(ctype)
    body.attachments.append((filename or default, ctype, data))


def content(part: Message) -> bytes:
    """A leaf part's decoded bytes. Base64 (nearly every attachment) is decoded straight from
    the parsed text (E3): get_payload(decode=True) first copies it to bytes, splits that into
    lines and joins them again, three more copies of the encoded size. The result is the same
    (non-alphabet characters such as line ends are skipped by both); bad padding or 8-bit
    bytes go to the library's forgiving decoder, as before."""
    payload = part.get_payload()
    if (
        isinstance(payload, str)
        and str(part.get("content-transfer-encoding", "")).strip().lower() == "base64"
    ):
        try:
            return binascii.a2b_base64(payload)
        except (binascii.Error, ValueError):
            pass
    return part.get_payload(decode=True) or b""


def _filename(part: Message, default: str) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = " ".join(str(name).split()).replace("/", "_").replace("\\", "_")
    return name[:200] or default


def _default_name(ctype: str) -> str:
    main, _, sub = ctype.partition("/")
    ext = {"jpeg": "jpg", "plain": "txt", "octet-stream": "bin", "rfc822-headers": "txt"}.get(
        sub, sub[:10] or "bin"
    )
    return f"{main or 'bijlage'}.{ext}"


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(" ".join(data.split(" ")) if data.strip() else data.strip(" \t"))


def html_to_text(markup: str) -> str:
    """Readable text from HTML: blocks become lines, scripts and styles vanish."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:
        return html_lib.unescape(markup)
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
