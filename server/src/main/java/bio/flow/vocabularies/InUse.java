package bio.flow.vocabularies;

import bio.flow.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The 409 answered when an entry of a vocabulary cannot be deleted because samples, projects or data use it. */
final class InUse {
    private InUse() {}

    /** How many things of one kind use the entry: {@code key} in the details, {@code one}/{@code many} in the message. */
    record Users(String key, String one, String many, long count) {
        static Users samples(long n) {
            return new Users("samples", "sample", "samples", n);
        }

        static Users projects(long n) {
            return new Users("projects", "project", "projects", n);
        }

        static Users data(long n) {
            return new Users("data", "data file", "data files", n);
        }

        private String phrase() {
            return count + " " + (count == 1 ? one : many);
        }
    }

    /**
     * "sample type 'RNA' is used by 3 samples; ..." with the counts in {@code details}: the first kind's always,
     * the others' when not zero. If all are zero (the entry is referred to from somewhere not counted) the
     * message says so.
     */
    static ApiException conflict(String what, Users first, Users... others) {
        List<Users> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(others));
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> phrases = new ArrayList<>();
        long total = 0;
        for (Users u : all) {
            if (u == first || u.count() > 0) details.put(u.key(), u.count());
            if (u.count() > 0) phrases.add(u.phrase());
            total += u.count();
        }
        String message = phrases.isEmpty()
                ? what + " is still in use and cannot be deleted"
                : what + " is used by " + String.join(" and ", phrases) + "; change or delete "
                        + (total == 1 ? "it" : "them") + " first";
        return ApiException.conflict(message, details);
    }
}
