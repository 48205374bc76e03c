"""Typed ids, so an applicant id can never be passed where a reviewer id is expected."""

from typing import NewType

ApplicationId = NewType("ApplicationId", str)
ReviewerId = NewType("ReviewerId", str)
UnitId = NewType("UnitId", str)
VouchId = NewType("VouchId", str)
