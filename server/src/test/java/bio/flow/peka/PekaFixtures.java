package bio.flow.peka;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** What the PEKA tests compare: every stored row of some entities, as one text. */
final class PekaFixtures {
    private PekaFixtures() {}

    /** The entities' rows (ids included, line ids aside), their k-mer scores and motif lines, in a fixed order. */
    static String fingerprint(Jdbi jdbi, String... names) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT concat_ws(' | ',
                          (SELECT string_agg(concat_ws(',', id, name, gene, species, type), ';' ORDER BY id) FROM peka_entities e
                             WHERE e.name = ANY(:names)),
                          (SELECT count(*) || ':' || md5(string_agg(concat_ws(',', e.name, s.region, s.kmer, s.mtxn, s.prtxn, s.artxn,
                                  s.aroxn, s.etxn, s.peka_score, s.p_value, s.positions::text), ';' ORDER BY e.name, s.region, s.kmer))
                             FROM peka_kmer_scores s JOIN peka_entities e ON e.id = s.entity_id WHERE e.name = ANY(:names)),
                          (SELECT count(*) || ':' || md5(string_agg(concat_ws(',', e.name, l.chromosome, l.start_pos, l.end_pos, l.motif,
                                  l.score, l.strand), ';' ORDER BY e.name, l.chromosome, l.start_pos, l.end_pos, l.motif, l.strand))
                             FROM peka_motif_lines l JOIN peka_entities e ON e.id = l.entity_id WHERE e.name = ANY(:names)))""")
                .bindArray("names", String.class, List.of(names)).mapTo(String.class).one());
    }
}
