"""Demo data: a believable peer group's whole history, built from a seed.

`build_demo` is pure and deterministic: the only randomness is `random.Random(seed)` and the
only notion of "now" is the `end` argument, so the same arguments always give an equal archive.

Shape of the history:
- nine people over time: seven founders plus one who leaves 60% of the way through and one
  who joins 35% of the way through, so eight are active at the end;
- one meeting every `CADENCES[cadence]` days ("monthly" is every four weeks, which keeps the
  weekday fixed, as such groups usually do), the last one 3 days before `end`, all ended;
- each meeting: attendance, a check-in round, a review of earlier commitments, new issues,
  dot voting, discussion of the top issues (with commitments and notes) and a closing round.
All times are UTC epoch seconds; meetings start around 09:30 and last about 90-150 minutes.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

from peertui.core.archive import (
    ArchiveAttendance,
    ArchiveCommitment,
    ArchiveIssue,
    ArchiveMeeting,
    ArchiveMember,
    ArchiveNote,
    ArchiveReview,
    ArchiveTurn,
    ArchiveVote,
    GroupArchive,
)

CADENCES = {"weekly": 7, "fortnightly": 14, "monthly": 28}  # days between meetings
CHECKIN_MINUTES = 5.0
VOTES_PER_MEMBER = 3
CLOSING_SECONDS = 60.0
MEETING_START = time(9, 30)
LAST_MEETING_DAYS_BEFORE_END = 3
MINUTE, DAY = 60.0, 86400.0

# (name, login); the key of each member is its index + 1.
_MEMBERS = (
    ("Priya Raman", "priya"),
    ("Tom Whitfield", "tom"),
    ("Zoë Okafor", "zoe"),
    ("Łukasz Nowak", "lukasz"),
    ("Hiroshi Tanaka", "hiroshi"),
    ("Marguerite Dubois", None),  # uses a shared office machine: no login of her own
    ("Daniel Mensah", "dmensah"),
    ("Siobhán Kelly", "siobhan"),
    ("Amara Hughes", "amara"),
)
_LEAVER, _JOINER = 5, 9  # member keys
_LEAVES_AT, _JOINS_AT = 0.6, 0.35  # how far through the meetings

# Slot values shared by an issue, its outcome, its commitments and its notes, so they agree.
_SLOTS = {
    "who": ("long-serving volunteer", "team leader", "night-shift supervisor", "new coordinator",
            "part-time administrator", "senior caseworker", "trustee", "receptionist",
            "finance officer", "agency worker", "apprentice", "project lead"),
    "team": ("night team", "front desk", "volunteer coordinators", "finance team",
             "outreach team", "helpline", "fundraising team", "weekend crew", "admin team",
             "family support team", "warehouse team", "befriending service"),
    "thing": ("the case-management system", "the new rota", "the expenses policy",
              "the safeguarding procedure", "the lone-working policy", "the shared drive",
              "the referral form", "the volunteer handbook", "the annual report",
              "the website", "the induction pack", "the supervision template"),
    "boss": ("the CEO", "my director", "the chair of trustees", "the new CEO",
             "our head of service", "the operations director"),
    "pct": ("5", "8", "10", "12", "15", "20"),
    "month": ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"),
    "count": ("two", "three", "four"),
    "day": ("Monday", "Wednesday", "Friday", "the end of the week", "next Tuesday"),
}

# (title, details)
_ISSUES = (
    ("Handling a grievance from a {who}",
     "Formal grievance about workload; they have been here longer than me and know it."),
    ("Budget cut of {pct}% — what goes first?",
     "Funder confirmed the cut for next year. I have to propose savings by {month}."),
    ("{boss} keeps going around me to the {team}",
     "Instructions land on my team without me knowing; it undermines me and confuses them."),
    ("Rolling out {thing} without losing the {team}",
     "Last change went badly and people still mention it. Looking for a gentler approach."),
    ("Covering a {who} on long-term sick leave",
     "Off since {month}, no cover budget, and the work is piling up on two people."),
    ("Recruiting for {count} vacancies with no HR support",
     "HR is outsourced and slow; I am writing adverts and shortlisting in the evenings."),
    ("Stuck in the middle: {boss} vs the {team}",
     "Both sides expect me to carry their message and take their side."),
    ("Burnout signs in the {team}",
     "Sickness is up, people are snapping at each other, and nobody takes their leave."),
    ("Performance conversation with a {who} I used to work alongside",
     "We were peers until I was promoted. The work is slipping and I keep putting it off."),
    ("Grant report due in {month} and the data is a mess",
     "Outcomes were recorded three different ways this year."),
    ("{boss} is leaving — should I apply for the role?",
     "Unsure whether I want the top job or just feel I ought to want it."),
    ("Volunteer numbers down {pct}% since spring",
     "Fewer sign-ups and more people dropping out after induction."),
    ("Safeguarding concern handled badly by the {team}",
     "Procedure was followed late; no harm done but it could have been serious."),
    ("Getting {boss} to delegate real decisions",
     "I have the title but every decision over £500 still goes upstairs."),
    ("{count} people in the {team} who won't work together",
     "Old falling-out that now affects the rota and the atmosphere."),
    ("Office move in {month} — who owns the plan?",
     "Everyone assumes someone else is organising it."),
    ("Rewriting {thing} after the audit",
     "Audit flagged it as out of date; I have been asked to fix it on top of everything."),
    ("Pay freeze and losing good people from the {team}",
     "Two resignations this quarter, both citing pay. I cannot change pay."),
    ("Saying no to {boss} without damaging the relationship",
     "Another project was added to my list with no time or money attached."),
    ("Onboarding a {who} who knows more than me",
     "Very experienced hire; I am not sure how to manage them without feeling a fraud."),
    ("Complaint from a funder about {thing}",
     "Funder says it does not meet their conditions; we have a call on {day}."),
    ("Lone working at the {team} after dark",
     "People are alone in the building until nine; the policy is not being followed."),
    ("Drowning in email from the {team}",
     "Two hundred emails a day and I spend evenings catching up."),
    ("Acting up as manager for {count} months",
     "Covering my manager's role with no extra pay and no clear end date."),
    ("{boss} wants weekly reports on {thing}",
     "Detailed weekly updates on top of the monthly report; it takes half a day each time."),
    ("Restructure rumours unsettling the {team}",
     "I know some of it and cannot say; people keep asking me directly."),
    ("Data breach near-miss with {thing}",
     "Personal details were shared with the wrong person; caught in time."),
    ("Merger talks: preparing figures for {boss}",
     "Board is exploring it quietly; I am asked to prepare figures without telling staff."),
    ("Difficult exit interview with a {who}",
     "They named behaviour by a colleague that I had not seen; what do I do with it?"),
    ("Getting buy-in for {thing} from the {team}",
     "Good idea on paper, but the team sees it as more admin."),
    ("Delegating more to the {team}",
     "I do tasks myself because it is quicker; it is not sustainable."),
    ("Covering the {team} rota over {month}",
     "Holidays overlap and nobody wants the extra shifts."),
    ("Boundaries with a {who} who overshares",
     "Long personal conversations every day; I want to be kind and still get work done."),
    ("Nobody in the {team} disagrees in meetings",
     "Everything is agreed in the room and then complained about afterwards."),
    ("Evening calls from {boss}",
     "Calls after eight are becoming normal and my family has noticed."),
    ("Inherited a {pct}% overspend on agency staff",
     "Previous deputy signed off agency shifts without tracking; now it is mine."),
    ("Preparing for the inspection in {month}",
     "Last inspection found gaps in records; we cannot repeat that."),
    ("A {who} who is brilliant but always late",
     "Excellent with clients, unreliable with time; others resent it."),
    ("Conflict of interest on the hiring panel for a {who}",
     "One applicant is a panel member's relative; the panel member sees no problem."),
    ("Cost-of-living support for the {team}",
     "Some staff are struggling; what can a small charity realistically do?"),
    ("Back from parental leave in {month} to a reshaped role",
     "Parts of my job were handed to the {team} while I was away and nobody has said so."),
    ("Handing over {thing} to a new owner",
     "I built it and keep being pulled back in; I need a clean handover."),
)

_RESOLUTIONS = (
    "agreed to raise it directly with {boss} before {day}",
    "agreed to hold an informal conversation first and keep notes",
    "agreed to trial {thing} changes with the {team} for one month",
    "agreed to put a written proposal to {boss} with two costed options",
    "agreed to ask HR for advice before taking any formal step",
    "agreed to split the work and hand half to the {team}",
    "agreed to stop doing it personally and delegate to the {who}",
    "agreed to book a facilitated conversation for the {team}",
    "agreed to log incidents for four weeks, then decide",
    "agreed to say no, with a clear reason and an alternative",
    "agreed to set a fixed weekly slot for it and protect that time",
    "agreed to escalate to the trustees with the figures",
)
_PARKED = (
    "waiting for the budget decision in {month}",
    "waiting for {boss} to confirm the restructure",
    "nothing to do until HR replies",
    "revisit after the inspection",
    "bigger than this group; taking it to the trustees first",
    "waiting to see whether the {who} stays",
)
_STALE = "parked: no longer pressing — bring it back if it returns"
_OPTIONS = (
    "Raise it formally with {boss}",
    "Have an informal chat with the {who} first",
    "Ask HR for a second opinion",
    "Trial a change with the {team} for a month",
    "Do nothing for now, but keep a written log",
    "Share the load across two people",
    "Find an external mentor or coach",
    "Escalate to the trustees",
    "Rewrite {thing} with the people who use it",
    "Benchmark with another organisation",
    "Take it to the whole team meeting",
    "Put a time limit on it and review",
)
_COMMITMENTS = (
    "Draft the new rota and share it by {day}",
    "Book a one-to-one with the {who} before the next meeting",
    "Email {boss} a one-page summary of the options",
    "Ask HR for the policy wording and check where we stand",
    "Write up what happened while it is fresh",
    "Talk to the {team} at their next team meeting",
    "Cost two options and bring the numbers back",
    "Block two hours a week in the diary for it",
    "Send the group a copy of {thing} for comments",
    "Call the funder contact by {day}",
    "Ask a peer at another charity how they handled it",
    "Update {thing} and circulate it",
    "Say no to the next extra request and report back",
    "Agree a handover date and put it in writing",
    "Check the figures with the finance officer",
    "Meet the {who} and agree three clear expectations",
)
_CHECKINS = (
    "New rota causing friction with the night team",
    "Good week: the funding bid went in on time",
    "Tired — two late finishes and a sick child",
    "Worried about a safeguarding case, can't say more",
    "Manager on leave, covering both roles",
    "Feeling more confident after last month's advice",
    "Team morale low after the restructure news",
    "Had the difficult conversation — it went better than expected",
    "Sleeping badly, work is on my mind at night",
    "Excited about the new volunteer intake",
    "Frustrated: decision reversed without consulting me",
    "Quiet week, catching up on the backlog",
    "Board meeting went well; my report was praised",
    "Dealing with a complaint that has got personal",
    "Back from holiday and already behind",
    "Started a coaching course and enjoying it",
    "Budget meeting next week and I am dreading it",
    "Two resignations this month; feeling it",
    "Finally delegated the reporting; it worked",
    "Struggling with my own manager's moods",
    "Family stuff taking a lot of energy",
    "Proud of the team after a hard inspection",
    "Not much to report, glad to be here",
    "Caught between two departments again",
)
_CLOSING_WORDS = (
    "grateful", "clearer", "tired", "lighter", "hopeful", "focused", "supported", "calm",
    "energised", "thoughtful", "relieved", "ready", "heard", "determined", "content",
    "motivated", "reflective", "confident", "unsure", "encouraged",
)
_REMINDERS = (
    "What is said here stays here.",
    "Bring one win to share next time.",
    "Check the shared folder for last month's handouts.",
    "Speak up early if you cannot make the next meeting.",
    "Keep commitments small enough to finish.",
    "Phone a buddy between meetings if something blows up.",
)
_RATINGS = (5, 6, 7, 8, 9, 10)
_RATING_WEIGHTS = (2, 6, 22, 36, 26, 8)
_URGENCY_WEIGHTS = (20, 55, 25)  # A, B, C
_URGENCY_DOTS = {"A": 3.0, "B": 2.0, "C": 1.0}  # how strongly urgency attracts dots
_ESTIMATES = (5.0, 10.0, 10.0, 15.0, 15.0, 20.0)
_REVIEW_RESULTS = ("done", "not_done", "dropped")
# Review odds by how often the commitment was already missed: later reviews drop more.
_REVIEW_WEIGHTS = ((70, 23, 7), (60, 25, 15), (40, 10, 50))


def build_demo(
    *,
    end: date,
    years: float = 1,
    cadence: str = "monthly",
    seed: int = 7,
    name: str = "Deputy Managers Circle",
) -> GroupArchive:
    """A group with `years` of ended meetings, the last 3 days before `end`."""
    if cadence not in CADENCES:
        raise ValueError(f"Unknown cadence {cadence!r}; use one of: {', '.join(CADENCES)}.")
    if not years > 0:
        raise ValueError("years must be more than 0.")
    return _Builder(end, years, CADENCES[cadence], seed, name).build()


def _epoch(day: date) -> float:
    return datetime.combine(day, MEETING_START, tzinfo=timezone.utc).timestamp()


def _fill(template: str, values: dict[str, str]) -> str:
    text = _articles(template.format(**values))
    return text[:1].upper() + text[1:]


def _articles(text: str) -> str:
    """"a agency worker" -> "an agency worker"."""
    return re.sub(
        r"\b([Aa]) (?=[aeiouAEIOU])(?!one|once|uni|use|eu)", lambda m: m.group(1) + "n ", text
    )


class _Builder:
    def __init__(self, end: date, years: float, cadence_days: int, seed: int, name: str) -> None:
        self.rng = random.Random(seed)
        self.cadence = cadence_days
        self.count = max(1, round(years * 365 / cadence_days))
        last = date(end.year, end.month, end.day) - timedelta(days=LAST_MEETING_DAYS_BEFORE_END)
        self.first = last - timedelta(days=cadence_days * (self.count - 1))
        self.leave_at = max(1, int(self.count * _LEAVES_AT))  # first meeting without the leaver
        self.join_at = int(self.count * _JOINS_AT)  # first meeting with the joiner
        self.a = GroupArchive(
            name=name,
            checkin_minutes=CHECKIN_MINUTES,
            cadence_days=cadence_days,
            votes_per_member=VOTES_PER_MEMBER,
            created_at=_epoch(self.first) - 14 * DAY,
        )
        self.open_issues: list[ArchiveIssue] = []
        self.values: dict[int, dict[str, str]] = {}  # issue key -> its slot values
        self.template: dict[int, int] = {}  # issue key -> index into _ISSUES
        self.open_commitments: list[ArchiveCommitment] = []
        self.misses: Counter[int] = Counter()  # commitment key -> 'not_done' reviews so far

    def build(self) -> GroupArchive:
        self._members()
        for index in range(self.count):
            self._meeting(index)
        return self.a

    def _members(self) -> None:
        position = 0
        for key, (name, login) in enumerate(_MEMBERS, start=1):
            active = key != _LEAVER
            position += active
            joined = self.a.created_at + key * MINUTE
            if key == _JOINER:
                joined = _epoch(self.first + timedelta(days=self.join_at * self.cadence)) - 6 * DAY
            position_now = position if active else len(_MEMBERS)  # former members sort last
            self.a.members.append(ArchiveMember(key, name, login, active, position_now, joined))

    def _in_group(self, member: int, index: int) -> bool:
        if member == _LEAVER:
            return index < self.leave_at
        return member != _JOINER or index >= self.join_at

    def _meeting(self, index: int) -> None:
        rng, key = self.rng, index + 1
        day = self.first + timedelta(days=index * self.cadence)
        start = _epoch(day) + rng.uniform(-120, 300)
        target_end = start + rng.uniform(90, 150) * MINUTE
        meeting = ArchiveMeeting(key, key, round(start, 1), None)
        self.a.meetings.append(meeting)
        last = index == self.count - 1

        roster = [m.key for m in self.a.members if self._in_group(m.key, index)]
        there = self._attendance(key, index, roster)
        t = self._round(key, "checkin", there, start + 2 * MINUTE, CHECKIN_MINUTES * MINUTE)
        t, reviewed = self._review(key, index, there, t)
        t = self._raise(key, there, t, last)
        t, totals = self._vote(key, there, t)
        note_at = len(self.a.notes)  # the meeting note goes before the issue notes
        budget = max(20 * MINUTE, target_end - t - len(there) * 80)
        t, discussed, made = self._discuss(key, day, there, t, totals, budget, last)
        closers = there[:]
        rng.shuffle(closers)
        t = self._round(key, "closing", closers, t + rng.uniform(30, 90), CLOSING_SECONDS)
        meeting.ended_at = round(t + rng.uniform(30, 120), 1)

        ratings = [a.rating for a in self.a.attendance[-len(roster):] if a.rating]
        average = sum(ratings) / len(ratings)
        titles = "; ".join(i.title for i in discussed) or "nothing, check-in ran long"
        lines = [
            f"## Meeting {key} · {day:%d %b %Y}",
            "",
            f"- Present: {len(there)} of {len(roster)}; average rating {average:.1f}",
            f"- Discussed: {titles}",
            f"- Commitments: {made} made, {reviewed} reviewed",
            f"- {rng.choice(_REMINDERS)}",
        ]
        note = ArchiveNote(key, None, "\n".join(lines), "group", meeting.ended_at)
        self.a.notes.insert(note_at, note)

    def _attendance(self, meeting: int, index: int, roster: list[int]) -> list[int]:
        """Record attendance; return who was there in check-in order (late arrivals last)."""
        rng = self.rng
        status = {}
        for member in roster:
            r = rng.random()
            status[member] = "present" if r < 0.86 else "late" if r < 0.93 else "absent"
        absent = [m for m in roster if status[m] == "absent"]
        while len(roster) - len(absent) < 4 and absent:  # a meeting this thin would be moved
            status[absent.pop()] = "present"
        for member in roster:
            here = status[member] != "absent"
            self.a.attendance.append(ArchiveAttendance(
                meeting, member, status[member],
                rng.choices(_RATINGS, _RATING_WEIGHTS)[0] if here else None,
                rng.choice(_CLOSING_WORDS) if here else None,
            ))
        shift = index % len(roster)  # a different person opens each check-in
        order = roster[shift:] + roster[:shift]
        late = [m for m in order if status[m] == "late"]
        return [m for m in order if status[m] == "present"] + late

    def _round(
        self, meeting: int, kind: str, members: list[int], t: float, allotted: float
    ) -> float:
        rng = self.rng
        for position, member in enumerate(members, start=1):
            if kind == "checkin" and rng.random() < 0.05:
                status, spoken, summary = "passed", rng.uniform(3, 15), ""
            else:
                status = "done"
                spoken = allotted * min(1.5, max(0.3, rng.gauss(0.97, 0.2)))
                summary = rng.choice(_CHECKINS) if kind == "checkin" else ""
            spoken = round(spoken, 1)
            self.a.turns.append(ArchiveTurn(
                meeting, member, kind, position, allotted, spoken, status,
                round(t, 1), round(t + spoken, 1), summary,
            ))
            t += spoken + rng.uniform(5, 20)
        return t

    def _review(self, meeting: int, index: int, there: list[int], t: float) -> tuple[float, int]:
        """Review earlier commitments whose owner is here; a leaver's open ones are dropped."""
        rng, still, reviewed = self.rng, [], 0
        for c in self.open_commitments:
            gone = not self._in_group(c.owner, index)
            if not gone and c.owner not in there:
                still.append(c)  # owner away: reviewed when they are next here
                continue
            if gone:
                result = "dropped"
            else:
                weights = _REVIEW_WEIGHTS[min(self.misses[c.key], 2)]
                result = rng.choices(_REVIEW_RESULTS, weights)[0]
            t += rng.uniform(20, 60)
            reviewed += 1
            self.a.reviews.append(ArchiveReview(c.key, meeting, result))
            if result == "not_done":
                self.misses[c.key] += 1
                still.append(c)
            else:
                c.status, c.closed_at = result, round(t, 1)
        self.open_commitments = still
        return t, reviewed

    def _raise(self, meeting: int, there: list[int], t: float, last: bool) -> float:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        for _ in range(max(count, 2) if last else count):  # leave something to carry over
            t += rng.uniform(20, 90)
            template = rng.randrange(len(_ISSUES))
            values = {slot: rng.choice(options) for slot, options in _SLOTS.items()}
            title, details = (_fill(text, values) for text in _ISSUES[template])
            issue = ArchiveIssue(
                key=len(self.a.issues) + 1, title=title, details=details,
                raised_by=rng.choice(there), raised_at=round(t, 1), raised_meeting=meeting,
                urgency=rng.choices("ABC", _URGENCY_WEIGHTS)[0],
                estimate_minutes=rng.choice(_ESTIMATES), status="open", outcome="",
                closed_meeting=None, closed_at=None, meetings_waited=0,
            )
            self.a.issues.append(issue)
            self.values[issue.key], self.template[issue.key] = values, template
            twin = next((i for i in self.open_issues if self.template[i.key] == template), None)
            # The same worry raised again: sometimes folded into the one already queued.
            if twin is not None and not last and rng.random() < 0.5:
                issue.status, issue.outcome = "merged", f"merged into “{twin.title}”"
                issue.closed_meeting, issue.closed_at = meeting, round(t + 30, 1)
            else:
                self.open_issues.append(issue)
        return t

    def _vote(self, meeting: int, there: list[int], t: float) -> tuple[float, Counter[int]]:
        """Dot voting: each member spreads up to VOTES_PER_MEMBER dots over the open issues."""
        rng, totals = self.rng, Counter()
        issues = self.open_issues
        for member in there if issues else ():
            # Urgent, long-waiting and one's own issues attract more dots.
            weights = [
                _URGENCY_DOTS[i.urgency]
                * (1 + 0.25 * i.meetings_waited)
                * (2 if i.raised_by == member else 1)
                for i in issues
            ]
            dots = Counter(i.key for i in rng.choices(issues, weights, k=rng.choice((2, 3, 3, 3))))
            for issue, count in dots.items():
                self.a.votes.append(ArchiveVote(issue, member, meeting, count))
            totals.update(dots)
        return t + 3 * MINUTE, totals

    def _discuss(
        self, meeting: int, day: date, there: list[int], t: float, totals: Counter[int],
        budget: float, last: bool,
    ) -> tuple[float, list[ArchiveIssue], int]:
        rng = self.rng
        ranked = sorted(self.open_issues, key=lambda i: (-totals[i.key], i.urgency, i.raised_at))
        take = 3 if len(ranked) > 6 else rng.choice((1, 2, 2, 3))
        chosen = ranked[: min(take, len(ranked) - 1) if last else take]
        estimate = sum(i.estimate_minutes for i in chosen) or 1
        due = (day + timedelta(days=self.cadence)).isoformat()
        made = 0
        for issue in chosen:
            values = self.values[issue.key]
            t += budget * issue.estimate_minutes / estimate
            r = rng.random()
            if r < 0.65:
                issue.status, issue.outcome = "resolved", _fill(rng.choice(_RESOLUTIONS), values)
                verdict = f"**Decision:** {issue.outcome}"
            elif r < 0.78:
                issue.status = "parked"
                issue.outcome = "parked: " + _articles(rng.choice(_PARKED).format(**values))
                verdict = f"**Parked** — {issue.outcome[8:]}"
            else:
                verdict = "_Ran out of time — carried over to the next meeting._"
            if issue.status != "open":
                issue.closed_meeting, issue.closed_at = meeting, round(t, 1)
            owners = [issue.raised_by] if issue.raised_by in there else []
            owners += rng.sample([m for m in there if m not in owners], 2)
            for owner in owners[: 1 if issue.status == "parked" else rng.choice((1, 1, 2, 2, 3))]:
                made += 1
                c = ArchiveCommitment(
                    len(self.a.commitments) + 1, issue.key, meeting, owner,
                    _fill(rng.choice(_COMMITMENTS), values), due, "open", round(t, 1), None,
                )
                self.a.commitments.append(c)
                self.open_commitments.append(c)
            options = "\n".join(f"- {_fill(o, values)}" for o in rng.sample(_OPTIONS, 2))
            body = f"**{issue.title}**\n\nOptions we talked through:\n{options}\n\n{verdict}"
            visibility = "presenter" if rng.random() < 0.1 else "group"
            self.a.notes.append(ArchiveNote(meeting, issue.key, body, visibility, round(t, 1)))
        discussed = {i.key for i in chosen}
        for issue in self.open_issues:
            if issue.key in discussed or issue.status != "open":
                continue
            issue.meetings_waited += 1
            if issue.meetings_waited >= 8 and not last and rng.random() < 0.4:
                issue.status, issue.outcome = "parked", _STALE  # the queue is swept, not endless
                issue.closed_meeting, issue.closed_at = meeting, round(t, 1)
        self.open_issues = [i for i in self.open_issues if i.status == "open"]
        return t, chosen, made
