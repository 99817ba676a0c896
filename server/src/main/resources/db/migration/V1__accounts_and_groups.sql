-- Accounts, tokens and groups: the foundation every later feature refers to.

CREATE TABLE users (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            TEXT        NOT NULL,
    email               TEXT,                    -- null only for OIDC users whose provider gave none
    password_hash       TEXT,                    -- null for accounts that only sign in through OIDC
    first_name          TEXT        NOT NULL DEFAULT '',
    last_name           TEXT        NOT NULL DEFAULT '',
    is_admin            BOOLEAN     NOT NULL DEFAULT FALSE,
    can_run_pipelines   BOOLEAN     NOT NULL DEFAULT TRUE,
    ssh_key             TEXT,
    ssh_key_fingerprint TEXT,
    created             TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Usernames and emails are unique whatever their case.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

CREATE TABLE oidc_identities (
    issuer  TEXT   NOT NULL,
    subject TEXT   NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);

-- Refresh tokens are kept only as SHA-256 hashes: a leaked table grants no sessions.
CREATE TABLE refresh_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  TEXT        NOT NULL UNIQUE,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE password_resets (
    token_hash TEXT        PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Failed logins, by account and by client address, for throttling. Kept in the database so that
-- every API server behind a load balancer sees the same count.
CREATE TABLE login_failures (
    scope     TEXT        NOT NULL,   -- 'account' or 'address'
    key       TEXT        NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key ON login_failures (scope, key, failed_at);

CREATE TABLE groups (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL,
    slug        TEXT        NOT NULL UNIQUE,
    description TEXT        NOT NULL DEFAULT '',
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- role: 1 invited (no access yet), 2 member, 3 admin
CREATE TABLE group_members (
    group_id BIGINT      NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     SMALLINT    NOT NULL CHECK (role BETWEEN 1 AND 3),
    created  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id, group_id);
