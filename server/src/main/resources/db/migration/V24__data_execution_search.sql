-- Data and execution search (issue 9). Their filters that pick few rows out of many get an index that also gives
-- the order of the answer (newest first), so that a page is read without sorting every match; the other filters
-- are served by the (created DESC, id DESC) scans of V21 with the filters and the visibility condition applied.
-- Executions of one pipeline: through its versions (pipeline = any version of it).
CREATE INDEX executions_pipeline_version ON executions (pipeline_version_id, created DESC, id DESC) WHERE pipeline_version_id IS NOT NULL;
-- Executions in one state: failed or canceled runs are a small part of a lab's history.
CREATE INDEX executions_status ON executions (status, created DESC, id DESC);
-- Files of one type (a rare type among millions of FASTQ files).
CREATE INDEX data_type_created ON data (data_type, created DESC, id DESC) WHERE status = 'ready';
-- Files in a size range (the largest files, say), read as a bitmap and then sorted.
CREATE INDEX data_size ON data (size) WHERE status = 'ready';
