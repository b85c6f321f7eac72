package io.coordinator.server.tree;

/**
 * Literal IPv4/IPv6 parsing and CIDR matching for "ip" ACLs, like IPAuthenticationProvider. Never resolves
 * names: anything that is not a literal address is simply invalid.
 */
final class IpAddresses {

    private IpAddresses() {}

    /** True if the client address {@code id} lies in {@code aclExpr} ("addr" or "addr/bits"). */
    static boolean matches(String id, String aclExpr) {
        String[] parts = aclExpr.split("/", 2);
        byte[] aclAddr = parse(parts[0]);
        if (aclAddr == null) {
            return false;
        }
        int bits = aclAddr.length * 8;
        if (parts.length == 2) {
            bits = parseBits(parts[1], aclAddr.length);
            if (bits < 0) {
                return false;
            }
        }
        byte[] remote = parse(id);
        if (remote == null || remote.length != aclAddr.length) {
            return false;
        }
        mask(aclAddr, bits);
        mask(remote, bits);
        for (int i = 0; i < remote.length; i++) {
            if (remote[i] != aclAddr[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean isValid(String aclExpr) {
        String[] parts = aclExpr.split("/", 2);
        byte[] addr = parse(parts[0]);
        return addr != null && (parts.length == 1 || parseBits(parts[1], addr.length) >= 0);
    }

    private static int parseBits(String s, int addrLength) {
        try {
            int bits = Integer.parseInt(s);
            return bits < 0 || bits > addrLength * 8 ? -1 : bits;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void mask(byte[] b, int bits) {
        int start = bits / 8;
        int startMask = ~((1 << (8 - (bits % 8))) - 1);
        while (start < b.length) {
            b[start] &= (byte) startMask;
            startMask = 0;
            start++;
        }
    }

    /** 4 or 16 bytes, or null. A ':' makes it IPv6, else a '.' makes it IPv4 (as ZooKeeper decides). */
    static byte[] parse(String addr) {
        if (addr.indexOf(':') >= 0) {
            return parseV6(addr);
        }
        if (addr.indexOf('.') >= 0) {
            return parseV4(addr);
        }
        return null;
    }

    private static byte[] parseV4(String addr) {
        String[] parts = addr.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            try {
                int v = Integer.parseInt(parts[i]);
                if (v < 0 || v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return b;
    }

    private static byte[] parseV6(String addr) {
        int doubleColon = addr.indexOf("::");
        if (doubleColon >= 0 && addr.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? addr.substring(0, doubleColon) : addr;
        String tail = doubleColon >= 0 ? addr.substring(doubleColon + 2) : "";
        String[] headParts = head.isEmpty() ? new String[0] : head.split(":", -1);
        String[] tailParts = tail.isEmpty() ? new String[0] : tail.split(":", -1);
        int segments = headParts.length + tailParts.length;
        if (doubleColon < 0 ? segments != 8 : segments > 7) {
            return null;
        }
        byte[] b = new byte[16];
        for (int i = 0; i < headParts.length; i++) {
            if (!putSegment(b, i, headParts[i])) {
                return null;
            }
        }
        for (int i = 0; i < tailParts.length; i++) {
            if (!putSegment(b, 8 - tailParts.length + i, tailParts[i])) {
                return null;
            }
        }
        return b;
    }

    private static boolean putSegment(byte[] b, int index, String segment) {
        if (segment.isEmpty() || segment.length() > 4) {
            return false;
        }
        int v = 0;
        for (int i = 0; i < segment.length(); i++) {
            int d = Character.digit(segment.charAt(i), 16);
            if (d < 0) {
                return false;
            }
            v = v * 16 + d;
        }
        b[index * 2] = (byte) (v >> 8);
        b[index * 2 + 1] = (byte) v;
        return true;
    }
}
