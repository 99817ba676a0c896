package bio.flow.vocabularies;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;

/** Recognises the PostgreSQL errors the vocabularies turn into API errors. */
final class SqlErrors {
    static final String UNIQUE_VIOLATION = "23505";
    static final String FOREIGN_KEY_VIOLATION = "23503";

    private SqlErrors() {}

    static boolean is(UnableToExecuteStatementException e, String sqlState) {
        return e.getCause() instanceof PSQLException p && sqlState.equals(p.getSQLState());
    }

    /** The constraint (or unique index) a violation names, or "". */
    static String constraint(UnableToExecuteStatementException e) {
        if (e.getCause() instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getConstraint() != null) {
            return p.getServerErrorMessage().getConstraint();
        }
        return "";
    }
}
