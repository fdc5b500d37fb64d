"""Reading a group back between meetings (review, health, search, export), loaded on first use.

Store has these methods from the start, but their modules (and their many record types) are
imported only when one is called: a live meeting's start-up does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peertui.core.archive import GroupArchive
    from peertui.core.health import MeetingFigures
    from peertui.core.minutes import Minutes
    from peertui.store.review import IssueHistory, MeetingDetail, MyCommitments, ReviewOverview
    from peertui.store.search import SearchResult
    from peertui.store.store import Store


class DeferredQueries:
    """Mixed into Store."""

    async def review_overview(self: Store, group_id: int) -> ReviewOverview:
        from peertui.store.review import ReviewQueries

        return await ReviewQueries.review_overview(self, group_id)

    async def group_health(self: Store, group_id: int) -> list[MeetingFigures]:
        from peertui.store.review import ReviewQueries

        return await ReviewQueries.group_health(self, group_id)

    async def review_meeting(self: Store, meeting_id: int) -> MeetingDetail:
        from peertui.store.review import ReviewQueries

        return await ReviewQueries.review_meeting(self, meeting_id)

    async def issue_history(self: Store, issue_id: int) -> IssueHistory:
        from peertui.store.review import ReviewQueries

        return await ReviewQueries.issue_history(self, issue_id)

    async def my_commitments(
        self: Store, group_id: int, login: str | None = None, *, who: str | None = None
    ) -> MyCommitments:
        from peertui.store.review import ReviewQueries

        return await ReviewQueries.my_commitments(self, group_id, login, who=who)

    async def search(self: Store, group_id: int, query: str, *, limit: int | None = None) -> SearchResult:
        from peertui.store.search import DEFAULT_LIMIT, SearchQueries

        return await SearchQueries.search(
            self, group_id, query, limit=DEFAULT_LIMIT if limit is None else limit
        )

    async def group_archive(self: Store, group_id: int) -> GroupArchive:
        from peertui.store.export import ExportQueries

        return await ExportQueries.group_archive(self, group_id)

    async def meeting_minutes(
        self: Store, group_id: int, number: int | None = None, *, include_confidential: bool = False
    ) -> Minutes:
        from peertui.store.export import ExportQueries

        return await ExportQueries.meeting_minutes(
            self, group_id, number, include_confidential=include_confidential
        )
