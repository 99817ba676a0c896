-- The activity log behind GET /analytics, and the days each user was active, behind GET /dau.

-- One thing that happened: who did it (null when the account is gone), what, and to which object. Who may see an
-- entry is decided when it is read, by the access policy on the object (so that a later grant, withdrawal or delete
-- takes effect); an entry addressed to a user or group (something shared with them) is seen only by that user or by
-- the group's members.
CREATE TABLE activity (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action       TEXT        NOT NULL CHECK (action IN ('data_uploaded', 'sample_created', 'project_created',
                     'execution_started', 'execution_completed', 'execution_failed', 'shared_with_you')),
    object_kind  TEXT        NOT NULL CHECK (object_kind IN ('project', 'sample', 'data', 'execution')),
    object_id    BIGINT      NOT NULL,
    details      TEXT        NOT NULL,
    for_user_id  BIGINT REFERENCES users (id) ON DELETE CASCADE,
    for_group_id BIGINT REFERENCES groups (id) ON DELETE CASCADE,
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (for_user_id IS NULL OR for_group_id IS NULL)
);
CREATE INDEX activity_recent ON activity (at DESC, id DESC);

-- A user was active (made an authenticated request) on a day (UTC): one row per user and day.
CREATE TABLE user_activity_days (
    day     DATE   NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (day, user_id)
);
CREATE INDEX user_activity_days_user ON user_activity_days (user_id, day);
