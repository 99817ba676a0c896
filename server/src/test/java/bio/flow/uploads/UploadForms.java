package bio.flow.uploads;

import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Upload requests and file pieces for the offset-protocol tests, in and out of process (no server of its own). */
final class UploadForms {
    private UploadForms() {}

    /** One chunk as the official Python client sends it: its fields in its order, the bytes last. */
    static Api.Res piece(Api api, String data, String filename, long offset, boolean last, byte[] bytes, Map<String, Object> extra) {
        Multipart m = new Multipart().field("filename", filename).field("expected_file_size", offset).field("is_last", last)
                .field("data", data == null ? "" : data);
        extra.forEach(m::field);
        return m.file("blob", bytes).post(api, "/upload");
    }

    static List<byte[]> split(byte[] file, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < file.length; i += size) out.add(Arrays.copyOfRange(file, i, Math.min(file.length, i + size)));
        return out;
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
