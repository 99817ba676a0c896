-- Where under its run's results/ folder an output was published (e.g. multiqc/multiqc_report.html): the file's
-- identity within its execution, so that collecting the outputs again after a crash adds none twice.
ALTER TABLE data
    ADD COLUMN execution_path TEXT,
    ADD CONSTRAINT data_execution_path CHECK (execution_path IS NULL OR execution_id IS NOT NULL);
CREATE UNIQUE INDEX data_execution_output ON data (execution_id, execution_path) WHERE execution_path IS NOT NULL;
