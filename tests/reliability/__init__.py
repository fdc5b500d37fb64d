"""Reliability: kill -9 mid-meeting, many concurrent writers, a disk that cannot grow."""
