import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English: a page requested in Chinese earlier must not leak its language."""
    with translation.override("en"):
        yield
