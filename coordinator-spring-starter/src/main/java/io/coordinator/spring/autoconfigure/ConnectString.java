package io.coordinator.spring.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a ZooKeeper connect string ({@code host:port[,host:port...][/chroot]}) before a client is built, so a
 * typo is reported at once, naming the property it came from, instead of as a connection timeout later.
 */
public final class ConnectString {
    private ConnectString() {}

    /** One server of the string. */
    public record Server(String host, int port) {}

    /** The servers; throws IllegalArgumentException naming {@code property} when the syntax is wrong. */
    public static List<Server> parse(String value, String property) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " is empty: expected host:port[,host:port...]");
        }
        String hosts = value;
        int chroot = value.indexOf('/');
        if (chroot >= 0) {
            hosts = value.substring(0, chroot);
        }
        List<Server> out = new ArrayList<>();
        for (String raw : hosts.split(",")) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException(property + "=" + value + " has an empty server entry");
            }
            String host;
            String port;
            if (item.startsWith("[")) {
                int end = item.indexOf(']');
                if (end < 0) {
                    throw new IllegalArgumentException(
                            property + "=" + value + ": '" + item + "' lacks the closing ']'");
                }
                host = item.substring(1, end);
                String rest = item.substring(end + 1);
                port = rest.startsWith(":") ? rest.substring(1) : rest.isEmpty() ? "2181" : null;
            } else {
                int colon = item.lastIndexOf(':');
                host = colon < 0 ? item : item.substring(0, colon);
                port = colon < 0 ? "2181" : item.substring(colon + 1);
            }
            if (host.isBlank()) {
                throw new IllegalArgumentException(property + "=" + value + ": '" + item + "' has no host");
            }
            out.add(new Server(host, port(port, item, value, property)));
        }
        return out;
    }

    private static int port(String port, String item, String value, String property) {
        int p;
        try {
            p = Integer.parseInt(port == null ? "" : port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(
                    property + "=" + value + ": the port of '" + item + "' is not a number from 1 to 65535");
        }
        return p;
    }

    /** The hosts of {@code servers} that do not resolve (DNS or hosts file) right now. */
    public static List<String> unresolvable(List<Server> servers) {
        List<String> out = new ArrayList<>();
        for (Server s : servers) {
            try {
                InetAddress.getAllByName(s.host());
            } catch (UnknownHostException e) {
                out.add(s.host());
            }
        }
        return out;
    }

    /**
     * Fails with a message naming {@code property} when the syntax is wrong, or (when {@code hostsMustResolve})
     * when no host of it resolves; returns the hosts that do not resolve.
     */
    public static List<String> check(String value, String property, boolean hostsMustResolve) {
        List<Server> servers = parse(value, property);
        List<String> unresolvable = unresolvable(servers);
        if (hostsMustResolve && unresolvable.size() == servers.size()) {
            throw new IllegalArgumentException(
                    property + "=" + value + ": unknown host" + (unresolvable.size() > 1 ? "s " : " ")
                            + String.join(", ", unresolvable) + " (not resolvable by DNS or the hosts file)");
        }
        return unresolvable;
    }
}
