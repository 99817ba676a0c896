-- GET /filesets/search lists filesets newest first, as the other searches do (V21): by this index when no filter
-- narrows the rows better.
CREATE INDEX filesets_created ON filesets (created DESC, id DESC);
