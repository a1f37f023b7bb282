"""Adds the error answers to the OpenAPI document: every route can fail with the one error shape,
and a client generator should know which statuses to expect without reading the prose."""

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["invalid", "not_found"]},
                "message": {"type": "string", "description": "for people; names the field"},
            },
        }
    },
}
REF = {"$ref": "#/components/schemas/Error"}
WHY = {
    "400": "malformed JSON, a missing or wrongly typed field, or a refused change",
    "401": "no valid 'Authorization: Bearer …' token",
    "404": "no such object, or not visible to you",
    "413": "the body is over 1 MiB",
}


def errors_for(path: str, operation: dict) -> list[str]:
    statuses = []
    if operation.get("requestBody") or operation.get("parameters"):
        statuses.append("400")
    if operation.get("security") or path.endswith("/inbound"):
        statuses.append("401")
    if "{" in path:
        statuses.append("404")
    if operation.get("requestBody") or path.endswith("/inbound"):
        statuses.append("413")
    return statuses


def document_errors(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in errors_for(path, operation):
                responses.setdefault(
                    status,
                    {"description": WHY[status], "content": {"application/json": {"schema": REF}}},
                )
    return schema
