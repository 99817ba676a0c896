package bio.flow.web;

import java.nio.charset.StandardCharsets;

/**
 * The app's own JavaScript and CSS as served: the sources are written to be read (comments that say why, indented), the
 * browser needs neither. Comments that take whole lines and the indentation of every line are dropped; the lines
 * themselves stay, emptied, so that a line number in the browser's console or a stack trace is the source's.
 *
 * <p>Only what is safely a comment is dropped: a line whose text starts with {@code //}, or a block from a line
 * starting with {@code /*} to the line holding its {@code *}{@code /} (code after it on that line is kept). The app has
 * no string spanning lines (no multi-line template literal: {@code WebAppTest} checks), so such a line is never inside
 * a string. Comments after code on a line are left alone.
 */
final class Trimmed {
    private Trimmed() {}

    static boolean applies(String name) {
        return name.endsWith(".js") || name.endsWith(".css");
    }

    static byte[] of(byte[] source) {
        String[] lines = new String(source, StandardCharsets.UTF_8).split("\n", -1);
        StringBuilder out = new StringBuilder(source.length);
        boolean inBlock = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (inBlock) {
                int end = line.indexOf("*/");
                if (end >= 0) {
                    inBlock = false;
                    out.append(line.substring(end + 2).strip());
                }
            } else if (line.startsWith("//")) {
                // the whole line is a comment
            } else if (line.startsWith("/*")) {
                int end = line.indexOf("*/", 2);
                if (end < 0) inBlock = true;
                else out.append(line.substring(end + 2).strip());
            } else {
                out.append(line);
            }
            if (i < lines.length - 1) out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
