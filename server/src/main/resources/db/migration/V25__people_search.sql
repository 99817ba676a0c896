-- User and group search (GET /users/search, /groups/search, issue 9): names are matched on search keys (V21), a
-- user's email only whole (users_email_lower, V1). Trigram indexes on the keys serve "contains" and prefix alike.
CREATE INDEX users_username_key_trgm ON users USING gin (search_key(username) gin_trgm_ops);
-- search_key drops spaces: first and last name as one key, so that "Ada Lovelace" and "adalovelace" both find her.
CREATE INDEX users_name_key_trgm ON users USING gin (search_key(first_name || last_name) gin_trgm_ops);
CREATE INDEX groups_name_key_trgm ON groups USING gin (search_key(name) gin_trgm_ops);
CREATE INDEX groups_slug_key_trgm ON groups USING gin (search_key(slug) gin_trgm_ops);
