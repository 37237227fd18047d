"""Guard against pages whose query count grows with the number of rows."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action: Callable[[], object]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        result = action()
    return len(context.captured_queries), result


def assert_constant_queries(
    fetch: Callable[[], object],
    add_rows: Callable[[int], object],
    *,
    small: int = 5,
    large: int = 200,
) -> int:
    """Fetch with `small` rows, then with `large`; both must cost the same queries.

    `add_rows(n)` adds n more rows; `fetch()` requests the page and returns the
    response, which must be 200. Returns the count, so a test can pin it.
    """
    add_rows(small)
    with_small, response = count_queries(fetch)
    assert response.status_code == 200
    add_rows(large - small)
    with_large, response = count_queries(fetch)
    assert response.status_code == 200
    assert with_small == with_large, f"{with_small} queries with {small} rows, {with_large} with {large}"
    return with_large
