package bio.flow.dialect;

import bio.flow.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Locale;

/**
 * Hands a request under {@code /api} to the main API's routes: without the prefix, marked as the dialect's (see
 * {@link Dialect}), and with the string ids of a JSON body read as numbers ({@link Dialect#numberIds}). Everything else
 * of the request (headers, query, multipart bodies, their streaming) is the client's, untouched.
 */
final class PrefixFilter implements Filter {
    /** FLOW_MAX_BODY_BYTES: a JSON body larger than this is passed on as it is, for the main API to refuse (413). */
    private final int maxBodyBytes;

    PrefixFilter(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String uri = http.getRequestURI();
        String prefix = http.getContextPath() + Dialect.PREFIX;
        if (!uri.equals(prefix) && !uri.startsWith(prefix + "/")) {
            chain.doFilter(request, response);
            return;
        }
        http.setAttribute(Dialect.MARK, Boolean.TRUE);
        String path = uri.equals(prefix) ? "/" : uri.substring(prefix.length());
        chain.doFilter(new Unprefixed(http, http.getContextPath() + path, maxBodyBytes), response);
    }

    private static final class Unprefixed extends HttpServletRequestWrapper {
        private final String uri;
        private final int maxBodyBytes;
        private ServletInputStream body;

        Unprefixed(HttpServletRequest request, String uri, int maxBodyBytes) {
            super(request);
            this.uri = uri;
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = new StringBuffer(getScheme()).append("://").append(getServerName()).append(':').append(getServerPort());
            return url.append(uri);
        }

        @Override
        public String getServletPath() {
            return "";
        }

        @Override
        public String getPathInfo() {
            return uri.substring(getContextPath().length());
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            String type = getContentType();
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) return super.getInputStream();
            if (body == null) body = new Stream(jsonWithNumberIds(super.getInputStream(), maxBodyBytes));
            return body;
        }

        /** The body with its ids as numbers; one too large (or not JSON) as it came, for the main API to refuse. */
        private static InputStream jsonWithNumberIds(InputStream in, int maxBodyBytes) throws IOException {
            byte[] head = in.readNBytes(maxBodyBytes + 1);
            if (head.length > maxBodyBytes) return new SequenceInputStream(new ByteArrayInputStream(head), in);
            try {
                JsonNode tree = Json.MAPPER.readTree(head);
                if (tree == null) return new ByteArrayInputStream(head);
                return new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(Dialect.numberIds(tree)));
            } catch (IOException e) {
                return new ByteArrayInputStream(head);
            }
        }
    }

    /** A servlet input stream over the rewritten body. */
    private static final class Stream extends ServletInputStream {
        private final InputStream in;
        private boolean finished;

        Stream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) finished = true;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) finished = true;
            return n;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("the dialect's JSON bodies are read blocking");
        }
    }
}
