-- FLOW_ADMIN_USERNAME promotes an existing account only when the bootstrap itself created it; otherwise
-- whoever signed up first under that name would become an admin at the next start.
ALTER TABLE users ADD COLUMN created_by_bootstrap BOOLEAN NOT NULL DEFAULT FALSE;

-- Nothing recorded this before. The accounts that are admins today are the bootstrap admin or were made
-- admins by an admin; promoting them again changes nothing, and an upgraded server keeps starting.
UPDATE users SET created_by_bootstrap = TRUE WHERE is_admin;
