"""limit/offset paging for every list route, with bounds, so no query string can ask the database
for a billion rows or an offset SQLite cannot even represent (that would be a 500, not a 400)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1


class Paged(LimitOffsetPagination):
    """Answers {"items": [...], "count": total}; ?limit= (1-200, default 50) and ?offset=."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
