package bio.flow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Making projects, samples, groups and grants through the API, for tests. */
public final class Fixtures {
    private Fixtures() {}

    public static long project(Users.Account owner, String name, boolean isPublic) {
        Api.Res r = owner.api().post("/projects/new", Map.of("name", name, "description", "about " + name,
                "organism", "human", "is_public", isPublic));
        if (r.status() != 201) throw new AssertionError("project not created: " + r);
        return r.json().path("id").asLong();
    }

    public static long sample(Users.Account owner, long projectId, String name) {
        return sample(owner, Map.of("name", name, "project", projectId, "organism", "human", "sample_type", "RNA"));
    }

    public static long sample(Users.Account owner, Map<String, Object> fields) {
        Api.Res r = owner.api().post("/samples/new", fields);
        if (r.status() != 201) throw new AssertionError("sample not created: " + r);
        return r.json().path("id").asLong();
    }

    /** A data file of one chunk uploaded by {@code owner}, into the sample when one is given (else in none). */
    public static long data(Users.Account owner, Long sampleId) {
        return upload(owner, "reads.fastq", "@r1\nACGT\n+\nIIII\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                sampleId == null ? Map.of() : Map.of("sample_id", sampleId));
    }

    /** A file of one chunk uploaded by {@code owner} through POST /upload, with these extra fields; its data id. */
    public static long upload(Users.Account owner, String filename, byte[] bytes, Map<String, Object> fields) {
        Multipart m = new Multipart().field("file_id", java.util.UUID.randomUUID()).field("filename", filename)
                .field("chunk", 0).field("total_chunks", 1);
        fields.forEach(m::field);
        Api.Res r = m.file("file", bytes).post(owner.api(), "/upload");
        if (r.status() != 200 || !r.json().has("data")) throw new AssertionError("upload of " + filename + " failed: " + r);
        return r.json().path("data").path("id").asLong();
    }

    /** Grants {@code permission} on /{kind}/{id} to the users named. */
    public static void shareWithUser(Users.Account by, String kind, long id, Users.Account with, int permission) {
        Api.Res r = by.api().post("/" + kind + "/" + id + "/share", Map.of("users", List.of(with.username()), "permission", permission));
        if (r.status() != 200) throw new AssertionError("share failed: " + r);
    }

    public static void shareWithGroup(Users.Account by, String kind, long id, String slug, int permission) {
        Api.Res r = by.api().post("/" + kind + "/" + id + "/share", Map.of("groups", List.of(slug), "permission", permission));
        if (r.status() != 200) throw new AssertionError("share failed: " + r);
    }

    /** A group made by {@code admin}, with {@code members} accepted as members and {@code invited} only invited. */
    public static String group(Users.Account admin, List<Users.Account> members, List<Users.Account> invited) {
        String slug = Users.uniqueName("lab").toLowerCase();
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Lab " + slug);
        body.put("slug", slug);
        Api.Res r = admin.api().post("/groups/new", body);
        if (r.status() != 201) throw new AssertionError("group not created: " + r);
        for (Users.Account m : members) {
            admin.api().post("/groups/" + slug + "/invite", Map.of("username", m.username()));
            Api.Res a = m.api().post("/groups/" + slug + "/accept");
            if (a.status() != 200) throw new AssertionError("accept failed: " + a);
        }
        for (Users.Account i : invited) {
            admin.api().post("/groups/" + slug + "/invite", Map.of("username", i.username()));
        }
        return slug;
    }

    public static List<Long> ids(JsonNode list) {
        List<Long> out = new java.util.ArrayList<>();
        list.forEach(n -> out.add(n.path("id").asLong()));
        return out;
    }
}
