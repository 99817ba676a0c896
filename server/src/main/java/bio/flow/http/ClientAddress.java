package bio.flow.http;

import bio.flow.config.Config.ConfigException;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place that decides a request's client address, which every per-address throttle counts by.
 *
 * <p>It is the address of the socket, unless that is one of the trusted proxies (FLOW_TRUSTED_PROXIES, CIDRs):
 * then {@code X-Forwarded-For} is read from the right, skipping the trusted proxies, and the first other address
 * is the client. Whatever is left of it was written by someone we do not trust. Without trusted proxies the header
 * is ignored, so that a client cannot pick a fresh address for every guess.
 */
public final class ClientAddress {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    // Starts with a hex digit or ':' and holds a ':', so that InetAddress takes it for an IPv6 literal.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    private final List<Cidr> trustedProxies;

    /** {@code trustedProxies}: CIDRs such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is one host. */
    public ClientAddress(List<String> trustedProxies) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : trustedProxies) parsed.add(Cidr.parse(cidr));
        this.trustedProxies = List.copyOf(parsed);
    }

    public String of(Context ctx) {
        InetAddress socket = parse(ctx.req().getRemoteAddr());
        if (socket == null) return ctx.req().getRemoteAddr();
        InetAddress client = socket;
        if (isTrusted(socket)) {
            List<String> hops = new ArrayList<>();
            for (String header : Collections.list(ctx.req().getHeaders("X-Forwarded-For"))) {
                for (String hop : header.split(",")) hops.add(hop.strip());
            }
            for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
                InetAddress hop = parse(hops.get(i));
                // A hop that is not an address: what lies beyond it cannot be trusted; keep the last known one.
                if (hop == null) break;
                client = hop;
            }
        }
        return client.getHostAddress();
    }

    private boolean isTrusted(InetAddress a) {
        return trustedProxies.stream().anyMatch(c -> c.contains(a));
    }

    /** An IP address literal (IPv6 possibly in brackets), or null: never a DNS lookup. */
    static InetAddress parse(String text) {
        if (text == null) return null;
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        if (IPV4.matcher(t).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = t.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) return null;
                bytes[i] = (byte) v;
            }
            return address(bytes);
        }
        if (!IPV6.matcher(t).matches()) return null;
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length
        }
    }

    /** An address range: the address and how many leading bits must match. */
    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress a = ClientAddress.parse(slash < 0 ? text : text.substring(0, slash));
            if (a == null) throw new ConfigException("FLOW_TRUSTED_PROXIES: '" + text + "' is not an address or CIDR");
            int max = a.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) throw new ConfigException("FLOW_TRUSTED_PROXIES: '" + text + "' has a bad prefix length");
            return new Cidr(a.getAddress(), bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) return false;
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) return false;
            }
            return true;
        }
    }
}
