package bio.flow.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** A multipart/form-data body built by hand, for upload tests: text fields, then one file part. */
public final class Multipart {
    private final String boundary = "flow-test-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public Multipart field(String name, Object value) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        return this;
    }

    /** The file part; its submitted name is "blob", as a client that sends the name in a field does. */
    public Multipart file(String name, byte[] bytes) {
        return file(name, "blob", bytes);
    }

    /** The file part, under its submitted name {@code filename}. */
    public Multipart file(String name, String filename, byte[] bytes) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(bytes);
        write("\r\n");
        return this;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(body.toByteArray());
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The Content-Type header of this body. */
    public Map<String, String> headers() {
        return Map.of("Content-Type", "multipart/form-data; boundary=" + boundary);
    }

    /** POSTs the body to the path. */
    public Api.Res post(Api api, String path) {
        return api.send("POST", path, bytes(), headers());
    }

    private void write(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
