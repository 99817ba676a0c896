-- Personal API tokens: long-lived bearer tokens a user makes for scripts and the flowbio CLI. Only a SHA-256 hash of
-- each is kept (bio.flow.auth.PersonalTokens says why a fast hash is enough), so a leaked table grants nothing; prefix is
-- the token's first characters, to let its owner recognise it in a list. The tokens go with their user (ON DELETE
-- CASCADE). Revoked and expired tokens stay listed, marked, until their user is deleted.
CREATE TABLE personal_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL,
    prefix     TEXT        NOT NULL,
    token_hash TEXT        NOT NULL UNIQUE,
    created    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ,              -- null: never expires
    last_used  TIMESTAMPTZ,              -- to the minute (see PersonalTokens.authenticate)
    revoked_at TIMESTAMPTZ
);
CREATE INDEX personal_tokens_user ON personal_tokens (user_id, id);
