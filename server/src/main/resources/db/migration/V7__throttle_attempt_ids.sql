-- login_failures now holds every throttled attempt (failed logins, reset requests, sign-ups), reserved before
-- the password is checked. A login that turns out to succeed removes its own reservation: it needs an id.
ALTER TABLE login_failures ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
