"""Why a call could not be placed, in words for the agent, with the HTTP status to answer."""


class DialError(Exception):
    def __init__(self, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # 422 our input, 409 not set up, 429/503 try again, 502 provider
