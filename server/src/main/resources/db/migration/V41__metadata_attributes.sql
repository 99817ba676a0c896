-- The sample metadata attributes a lab defines (GET /samples/metadata), beside the four built into the samples table
-- (source, purification_target, condition, replicate_group). A sample keeps its values in samples.metadata, under the
-- attribute's identifier (and "<identifier>__annotation" when allow_annotation). The identifier is the form field of
-- POST /upload/sample and the key of the metadata map, so it is URL-safe, never changes, and has no "__" (which
-- separates an annotation's key); names the protocol or the sample itself use are refused by the server.
CREATE TABLE metadata_attributes (
    identifier       TEXT PRIMARY KEY CHECK (identifier ~ '^[a-z][a-z0-9_]{0,62}$' AND position('__' IN identifier) = 0),
    name             TEXT        NOT NULL,
    description      TEXT        NOT NULL DEFAULT '',
    required         BOOLEAN     NOT NULL DEFAULT false, -- for every sample, whatever its type
    allow_user_terms BOOLEAN     NOT NULL DEFAULT false, -- any text is a value, even when it has options
    allow_annotation BOOLEAN     NOT NULL DEFAULT false,
    position         INT         NOT NULL,               -- the order of GET /samples/metadata (after the built-ins)
    created          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX metadata_attributes_name ON metadata_attributes (lower(name));

-- The values an attribute takes, in the order they are offered; compared ignoring case.
CREATE TABLE metadata_attribute_options (
    attribute TEXT NOT NULL REFERENCES metadata_attributes (identifier) ON DELETE CASCADE,
    position  INT  NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (attribute, position)
);
CREATE UNIQUE INDEX metadata_attribute_options_value ON metadata_attribute_options (attribute, lower(value));

-- The sample types an attribute is linked to; required: samples of that type must have a value. A link goes with its
-- sample type.
CREATE TABLE metadata_attribute_sample_types (
    attribute      TEXT    NOT NULL REFERENCES metadata_attributes (identifier) ON DELETE CASCADE,
    sample_type_id BIGINT  NOT NULL REFERENCES sample_types (id) ON DELETE CASCADE,
    required       BOOLEAN NOT NULL,
    PRIMARY KEY (attribute, sample_type_id)
);
CREATE INDEX metadata_attribute_sample_types_type ON metadata_attribute_sample_types (sample_type_id);
