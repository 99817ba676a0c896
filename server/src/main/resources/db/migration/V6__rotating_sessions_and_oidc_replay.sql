-- Refresh tokens rotate: every use retires the token (replaced_at) and issues its successor in the same
-- family, one family per sign-in. A retired token presented again after a short grace revokes its family.
-- Retired rows are kept until they expire, so that such reuse is recognised.
ALTER TABLE refresh_tokens
    ADD COLUMN family_id    UUID NOT NULL DEFAULT gen_random_uuid(),   -- tokens issued before: a family each
    ADD COLUMN signed_in_at TIMESTAMPTZ,                              -- when the family's sign-in happened
    ADD COLUMN replaced_at  TIMESTAMPTZ;
UPDATE refresh_tokens SET signed_in_at = created;
ALTER TABLE refresh_tokens
    ALTER COLUMN family_id DROP DEFAULT,
    ALTER COLUMN signed_in_at SET NOT NULL;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- OIDC id_tokens already used to sign in, named by their jti (or by their hash when they have none), kept
-- until they expire: the primary key lets only one of two parallel replays of one token through.
CREATE TABLE oidc_used_tokens (
    issuer     TEXT        NOT NULL,
    token_id   TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer, token_id)
);
CREATE INDEX oidc_used_tokens_expiry ON oidc_used_tokens (expires_at);
