-- The limits of features other than logins (LoginThrottle.count: the user and group searches) number the attempts on
-- each counter, so that the max-th latest attempt is found by its number in the index below, whatever the limit and
-- however many attempts the window holds. Before, each attempt counted the window's rows under the counter's lock:
-- with a limit raised for a benchmark, ~18,000 rows a search, and one account's searches waited on each other for it
-- (bench/search: users_search as one account at 20 connections, p95 87-134 ms). Logins keep their rows unnumbered:
-- a login that succeeds or is not checked removes its reservation, which would leave a gap in the numbers. Rows from
-- before this migration are not numbered: for the minute after it, they do not count.
ALTER TABLE login_failures ADD COLUMN attempt BIGINT;
CREATE UNIQUE INDEX login_failures_attempt ON login_failures (scope, key, attempt) WHERE attempt IS NOT NULL;
