package dev.patchbay.server.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed (ADR 0096). The client address of a request is its
 * TCP peer unless that peer is a trusted proxy; then it is the rightmost address of the {@code X-Forwarded-For} chain
 * that is not itself a trusted proxy (each proxy appends the peer it saw, so everything left of the first untrusted
 * hop was written by someone we do not trust and may be invented). A malformed hop ends the walk at the last trusted
 * hop, so a junk header never yields an address the attacker picked.
 */
public final class TrustedProxies {
    /** No proxy trusted: the TCP peer is always the client address. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private final List<Cidr> ranges;
    private final String text;

    private TrustedProxies(List<Cidr> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /**
     * Parses {@code 10.0.0.0/8,192.168.1.7,::1/128}: comma-separated CIDR blocks or single addresses (IPv4 or IPv6
     * literals only, no host names).
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            ranges.add(Cidr.parse(p));
        }
        return new TrustedProxies(ranges, list.strip());
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** True when {@code address} (an IP literal) lies in one of the trusted blocks. */
    public boolean trusts(String address) {
        byte[] bytes = address == null ? null : literal(bare(address.strip()));
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /**
     * The client address of a request from {@code peer} carrying these {@code X-Forwarded-For} header values (in
     * the order received; several headers read as one comma-separated list).
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (ranges.isEmpty() || forwardedFor == null || forwardedFor.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                hops.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = bare(hops.get(i));
            if (literal(hop) == null) {
                return client; // junk: stop at the last hop a trusted proxy vouched for
            }
            client = canonical(hop);
            if (!trusts(hop)) {
                return client;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return text;
    }

    /** {@code [::1]:443}, {@code 1.2.3.4:5678} and plain literals: the address part. */
    private static String bare(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':') && hop.indexOf('.') > 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    private static String canonical(String literal) {
        try {
            return InetAddress.getByAddress(literal(literal)).getHostAddress();
        } catch (UnknownHostException e) {
            return literal;
        }
    }

    /** The bytes of an IPv4 or IPv6 literal, or null for anything else (never a DNS lookup). */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        String t = s.toLowerCase(Locale.ROOT);
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = t.indexOf(':') >= 0 && t.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String octet : t.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        }
        try {
            byte[] b = InetAddress.getByName(t).getAddress();
            if (b.length == 16 && isMappedV4(b)) {
                return java.util.Arrays.copyOfRange(b, 12, 16);
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IP address or CIDR block such as"
                        + " 10.0.0.0/8 or fd00::/8");
            }
            int bits = bytes.length * 8;
            if (slash >= 0) {
                String b = text.substring(slash + 1);
                if (!b.matches("\\d{1,3}") || Integer.parseInt(b) > bytes.length * 8) {
                    throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0–"
                            + bytes.length * 8);
                }
                bits = Integer.parseInt(b);
            }
            return new Cidr(bytes, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
