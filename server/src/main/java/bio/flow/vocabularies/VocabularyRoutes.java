package bio.flow.vocabularies;

import bio.flow.auth.Authenticator;
import org.jdbi.v3.core.Jdbi;

/**
 * The routes of the vocabularies that describe samples and projects, one handler object per vocabulary:
 * {@code /samples/sources}, {@code /samples/purification_targets}, {@code /samples/types}, {@code /organisms}
 * and {@code /data/types}. Reading is public (the data types' list with their use aside); changing is for site
 * administrators.
 */
public final class VocabularyRoutes {
    public final NamedVocabularyRoutes sources;
    public final NamedVocabularyRoutes purificationTargets;
    public final NamedVocabularyRoutes sampleTypes;
    public final OrganismRoutes organisms;
    public final DataTypeRoutes dataTypes;

    public VocabularyRoutes(Authenticator authenticator, Jdbi jdbi) {
        this.sources = new NamedVocabularyRoutes(Vocabulary.SOURCE, authenticator, jdbi);
        this.purificationTargets = new NamedVocabularyRoutes(Vocabulary.PURIFICATION_TARGET, authenticator, jdbi);
        this.sampleTypes = new NamedVocabularyRoutes(Vocabulary.SAMPLE_TYPE, authenticator, jdbi);
        this.organisms = new OrganismRoutes(authenticator, jdbi);
        this.dataTypes = new DataTypeRoutes(authenticator, jdbi);
    }
}
