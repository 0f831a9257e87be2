"""A folder's history from git: the log, timelines of events, and the figures that `stats`
and the dashboard show."""
