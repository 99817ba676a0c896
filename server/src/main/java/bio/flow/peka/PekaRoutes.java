package bio.flow.peka;

import bio.flow.http.ApiException;
import bio.flow.http.Paging;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The public PEKA routes over what {@code flow peka import} loaded ({@link PekaImport}): anyone may read them, signed
 * in or not. An entity (RBP) or dataset is named by its name, whatever its case, or its id.
 */
public final class PekaRoutes {
    /** An RBP's known motifs: its k-mers below this p-value in some region, by their best PEKA-score. */
    static final double KNOWN_MOTIF_PVALUE = 0.05;
    static final int KNOWN_MOTIFS = 10;
    /** The default threshold of GET /peka/motif. */
    static final double DEFAULT_PVALUE = 0.05;
    static final int MAX_NAME = 200;
    private static final Pattern MOTIF = Pattern.compile("[ACGTUacgtu]{1," + PekaImport.MAX_K + "}");
    private static final Pattern REGION = Pattern.compile("([^:\\s]{1,200})(?::([\\d,]+)-([\\d,]+))?");

    private final Jdbi jdbi;

    public PekaRoutes(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    record EntitySummary(long id, String name, String gene, String type, String species) {}

    record EntityList(long count, List<EntitySummary> results) {}

    record Rbp(long id, String name, String gene, String species, String type, long binding_sites, List<String> known_motifs) {}

    record Motif(String motif, int length, List<String> rbps, Double enrichment_score, Double pvalue) {}

    record Line(String chromosome, long start, long end, String motif, Double score, String strand) {}

    /** GET /peka/entities/: {@code {count, results}} by name. */
    public void entities(Context ctx) {
        Paging page = Paging.from(ctx);
        ctx.json(jdbi.withHandle(h -> new EntityList(
                h.createQuery("SELECT count(*) FROM peka_entities").mapTo(Long.class).one(),
                h.createQuery("SELECT id, name, gene, type, species FROM peka_entities ORDER BY lower(name), id " + page.sql())
                        .map((rs, c) -> new EntitySummary(rs.getLong("id"), rs.getString("name"), rs.getString("gene"),
                                rs.getString("type"), rs.getString("species")))
                        .list())));
    }

    /** GET /peka/rbp?protein=&species=: {@code {rbp: {...}}}. */
    public void rbp(Context ctx) {
        String protein = required(ctx, "protein", "No RBP name given");
        String species = optional(ctx, "species");
        ctx.json(Map.of("rbp", jdbi.withHandle(h -> {
            EntitySummary e = entity(h, "protein", protein);
            if (species != null && !species.equalsIgnoreCase(e.species())) {
                throw ApiException.notFound("RBP " + protein + " of species " + species);
            }
            long sites = h.createQuery("SELECT count(*) FROM peka_motif_lines WHERE entity_id = :id").bind("id", e.id()).mapTo(Long.class).one();
            List<String> motifs = h.createQuery("SELECT kmer FROM peka_kmer_scores WHERE entity_id = :id AND p_value < :p "
                            + "AND peka_score IS NOT NULL GROUP BY kmer ORDER BY max(peka_score) DESC, kmer LIMIT " + KNOWN_MOTIFS)
                    .bind("id", e.id()).bind("p", KNOWN_MOTIF_PVALUE).mapTo(String.class).list();
            return new Rbp(e.id(), e.name(), e.gene(), e.species(), e.type(), sites, motifs);
        })));
    }

    /** GET /peka/motif?motif=&rbp=&pvalue=. */
    public void motif(Context ctx) {
        String raw = required(ctx, "motif", "No motif given");
        if (!MOTIF.matcher(raw).matches()) {
            throw ApiException.invalid("motif", "must be a k-mer of 1 to " + PekaImport.MAX_K + " letters A, C, G and U (or T)");
        }
        String motif = raw.toUpperCase(Locale.ROOT).replace('T', 'U');
        String rbp = optional(ctx, "rbp");
        double pvalue = pvalue(ctx);
        ctx.json(jdbi.withHandle(h -> {
            Long entityId = rbp == null ? null : entity(h, "rbp", rbp).id();
            String only = entityId == null ? "" : " AND s.entity_id = :entity";
            var bestQuery = h.createQuery("SELECT s.peka_score, s.p_value FROM peka_kmer_scores s WHERE s.kmer = :kmer" + only
                            + " ORDER BY s.peka_score DESC NULLS LAST, s.p_value NULLS LAST LIMIT 1").bind("kmer", motif);
            if (entityId != null) bestQuery.bind("entity", entityId);
            var best = bestQuery.map((rs, c) -> new Double[] {(Double) rs.getObject("peka_score"), (Double) rs.getObject("p_value")}).findOne();
            if (best.isEmpty()) throw ApiException.notFound("motif " + motif + (rbp == null ? "" : " for RBP " + rbp));
            var rbpsQuery = h.createQuery("SELECT e.name FROM peka_kmer_scores s JOIN peka_entities e ON e.id = s.entity_id "
                            + "WHERE s.kmer = :kmer AND s.p_value < :p" + only
                            + " GROUP BY e.id, e.name ORDER BY max(s.peka_score) DESC NULLS LAST, lower(e.name)")
                    .bind("kmer", motif).bind("p", pvalue);
            if (entityId != null) rbpsQuery.bind("entity", entityId);
            List<String> rbps = rbpsQuery.mapTo(String.class).list();
            return new Motif(motif, motif.length(), rbps, best.get()[0], best.get()[1]);
        }));
    }

    /** GET /peka/motif/lines?dataset=&region=&limit=&offset=: {@code {lines}} in genome order. */
    public void lines(Context ctx) {
        String dataset = required(ctx, "dataset", "No dataset given");
        String region = optional(ctx, "region");
        Paging page = Paging.from(ctx);
        String chromosome = null;
        Long from = null;
        Long to = null;
        if (region != null) {
            Matcher m = REGION.matcher(region);
            if (!m.matches()) throw ApiException.invalid("region", "must be a chromosome (chr1) or an interval (chr1:100000-200000)");
            chromosome = m.group(1);
            if (m.group(2) != null) {
                from = whole(m.group(2));
                to = whole(m.group(3));
                if (from == null || to == null || from > to) {
                    throw ApiException.invalid("region", "the interval must run from a smaller to a larger position");
                }
            }
        }
        String c = chromosome;
        Long start = from;
        Long end = to;
        ctx.json(Map.of("lines", jdbi.withHandle(h -> {
            long entityId = entity(h, "dataset", dataset).id();
            // BED intervals are half-open: a line overlaps [from, to) when it starts before to and ends after from.
            var query = h.createQuery("SELECT chromosome, start_pos, end_pos, motif, score, strand FROM peka_motif_lines WHERE entity_id = :id"
                            + (c == null ? "" : " AND chromosome = :chromosome")
                            + (start == null ? "" : " AND start_pos < :to AND end_pos > :from")
                            + " ORDER BY chromosome, start_pos, end_pos, id " + page.sql())
                    .bind("id", entityId);
            if (c != null) query.bind("chromosome", c);
            if (start != null) query.bind("from", start).bind("to", end);
            return query.map((rs, x) -> new Line(rs.getString("chromosome"), rs.getLong("start_pos"), rs.getLong("end_pos"),
                            rs.getString("motif"), (Double) rs.getObject("score"), rs.getString("strand")))
                    .list();
        })));
    }

    /** The entity named by its id or its name (whatever its case); 404 when there is none. */
    private static EntitySummary entity(Handle h, String parameter, String nameOrId) {
        Optional<EntitySummary> found = h.createQuery("SELECT id, name, gene, type, species FROM peka_entities "
                        + "WHERE lower(name) = lower(:name) OR id = :id ORDER BY lower(name) = lower(:name) DESC LIMIT 1")
                // a name goes first; a text that is no id matches no id (ids are positive)
                .bind("name", nameOrId).bind("id", nameOrId.matches("\\d{1,18}") ? Long.parseLong(nameOrId) : -1L)
                .map((rs, c) -> new EntitySummary(rs.getLong("id"), rs.getString("name"), rs.getString("gene"), rs.getString("type"),
                        rs.getString("species")))
                .findOne();
        return found.orElseThrow(() -> ApiException.notFound((parameter.equals("dataset") ? "dataset " : "RBP ") + nameOrId));
    }

    /** A required text parameter, trimmed; missing or blank is a 400 with the given message. */
    private static String required(Context ctx, String name, String missing) {
        String v = optional(ctx, name);
        if (v == null) throw ApiException.invalid(missing, Map.of("field", name));
        return v;
    }

    /** A text parameter, trimmed, at most MAX_NAME characters; null when absent or blank. */
    private static String optional(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return null;
        if (v.strip().length() > MAX_NAME) throw ApiException.invalid(name, "must be at most " + MAX_NAME + " characters");
        return v.strip();
    }

    private static double pvalue(Context ctx) {
        String raw = ctx.queryParam("pvalue");
        if (raw == null) return DEFAULT_PVALUE;
        try {
            double p = Double.parseDouble(raw.strip());
            if (p >= 0 && p <= 1) return p;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.invalid("pvalue", "must be a number between 0 and 1");
    }

    private static Long whole(String digits) {
        try {
            return Long.parseLong(digits.replace(",", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
