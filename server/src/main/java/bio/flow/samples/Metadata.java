package bio.flow.samples;

import bio.flow.http.ApiException;
import bio.flow.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Sample metadata: free-form keys with string values, kept as JSONB. Changes merge: keys given are set,
 * keys given as null are removed, others stay. The merged result of a sample is at most {@link #MAX_TOTAL_BYTES}
 * of JSON; that is checked on the row the same statement writes, so parallel edits cannot pass it together.
 */
public final class Metadata {
    static final int MAX_KEYS = 200;
    public static final int MAX_KEY_LENGTH = 100;
    static final int MAX_VALUE_LENGTH = 10_000;
    /** The largest metadata of one sample, as UTF-8 JSON text (as PostgreSQL renders the JSONB). */
    public static final int MAX_TOTAL_BYTES = 256 * 1024;

    private Metadata() {}

    public static void check(String field, Map<String, String> metadata) {
        if (metadata.size() > MAX_KEYS) throw ApiException.invalid(field, "at most " + MAX_KEYS + " keys");
        for (String key : metadata.keySet()) {
            if (key.isBlank() || key.length() > MAX_KEY_LENGTH) throw ApiException.invalid(field, "keys must be 1 to " + MAX_KEY_LENGTH + " characters");
            String v = metadata.get(key);
            if (v != null && v.length() > MAX_VALUE_LENGTH) throw ApiException.invalid(field + "." + key, "must be at most " + MAX_VALUE_LENGTH + " characters");
        }
    }

    /**
     * Applies metadata changes of samples whose sample type stays as it is ({@code POST /projects/{id}/metadata}),
     * under the rules of the attributes the lab defined, as a sample edit is ({@link MetadataValues#forEdit}); the
     * handle in a transaction, as for {@link #apply}. A refusal names the sample by its place in the request
     * ({@code <field>.<i>.metadata.<identifier>}), so that a client can show it beside that sample's value.
     */
    public static void applyChecked(Handle h, String field, Map<Long, Map<String, String>> changes) {
        MetadataValues rules = MetadataValues.load(h);
        Map<Long, MetadataValues.Current> current = MetadataValues.current(h, changes.keySet());
        Map<Long, Map<String, String>> checked = new LinkedHashMap<>();
        int i = 0;
        for (var e : changes.entrySet()) {
            MetadataValues.Current sample = current.get(e.getKey());
            try {
                checked.put(e.getKey(), rules.forEdit(sample, sample.sampleTypeId(), e.getValue()));
            } catch (ApiException refused) {
                // the rules name the attribute (metadata.<identifier>) and begin their message with it
                String attribute = (String) refused.details().get("field");
                String named = field + "." + i + "." + attribute;
                Map<String, Object> details = new LinkedHashMap<>(refused.details());
                details.put("field", named);
                throw ApiException.invalid(field + "." + i + "." + refused.getMessage(), details);
            }
            i++;
        }
        apply(h, field, checked);
    }

    /** One sample's change, as the SQL below reads it. */
    private record Change(long id, Map<String, String> set, List<String> removed) {}

    /**
     * Applies the changes of many samples in one statement. Ids must be distinct, and the handle in a transaction:
     * when a sample's merged metadata would exceed {@link #MAX_TOTAL_BYTES} this throws a 400 on {@code field}
     * (details.ids lists the samples), and the caller's transaction rolls the whole change back. The UPDATE locks
     * each row and merges into its latest version, so the size checked is the size stored.
     */
    public static void apply(Handle h, String field, Map<Long, Map<String, String>> changes) {
        if (changes.isEmpty()) return;
        List<Change> payload = new ArrayList<>();
        changes.forEach((id, m) -> {
            Map<String, String> set = new LinkedHashMap<>();
            List<String> removed = new ArrayList<>();
            m.forEach((k, v) -> {
                if (v == null) removed.add(k);
                else set.put(k, v);
            });
            payload.add(new Change(id, set, removed));
        });
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<Long> tooLarge = h.createQuery("UPDATE samples s SET metadata = (s.metadata || x.set) - x.removed "
                        + "FROM jsonb_to_recordset(CAST(:payload AS jsonb)) AS x(id bigint, set jsonb, removed text[]) WHERE s.id = x.id "
                        + "RETURNING s.id, octet_length(s.metadata::text) AS size")
                .bind("payload", json)
                .map((rs, ctx) -> rs.getInt("size") > MAX_TOTAL_BYTES ? rs.getLong("id") : null)
                .list().stream().filter(java.util.Objects::nonNull).sorted().toList();
        if (!tooLarge.isEmpty()) {
            throw ApiException.invalid(field + ": the metadata of a sample may be at most " + MAX_TOTAL_BYTES
                    + " bytes of JSON after the change; too large for samples " + tooLarge, Map.of("field", field, "ids", tooLarge));
        }
    }
}
