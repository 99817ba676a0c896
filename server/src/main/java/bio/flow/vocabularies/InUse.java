package bio.flow.vocabularies;

import bio.flow.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The 409 answered when an entry of a vocabulary cannot be deleted because samples or projects use it. */
final class InUse {
    private InUse() {}

    /**
     * "sample type 'RNA' is used by 3 samples; ..." with the counts in {@code details}. Counts of zero are left
     * out; if all are zero (the entry is referred to from somewhere not counted) the message says so.
     */
    static ApiException conflict(String what, long samples, long projects) {
        List<String> users = new ArrayList<>();
        if (samples > 0) users.add(samples + (samples == 1 ? " sample" : " samples"));
        if (projects > 0) users.add(projects + (projects == 1 ? " project" : " projects"));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("samples", samples);
        if (projects > 0) details.put("projects", projects);
        String message = users.isEmpty()
                ? what + " is still in use and cannot be deleted"
                : what + " is used by " + String.join(" and ", users) + "; change or delete "
                        + (samples + projects == 1 ? "it" : "them") + " first";
        return ApiException.conflict(message, details);
    }
}
