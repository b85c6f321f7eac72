package io.coordinator.server.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;

/** JSON shapes of the znode API and the conversions between them and ZooKeeper's records. */
public final class Znodes {
    private Znodes() {}

    /** Stat with zxids and the ephemeral owner as hex strings (64-bit values do not survive JavaScript numbers). */
    public record StatView(
            String czxid,
            String mzxid,
            String pzxid,
            long ctime,
            long mtime,
            int version,
            int cversion,
            int aversion,
            String ephemeralOwner,
            int dataLength,
            int numChildren) {
        static StatView of(Stat s) {
            return new StatView(
                    hex(s.getCzxid()),
                    hex(s.getMzxid()),
                    hex(s.getPzxid()),
                    s.getCtime(),
                    s.getMtime(),
                    s.getVersion(),
                    s.getCversion(),
                    s.getAversion(),
                    hex(s.getEphemeralOwner()),
                    s.getDataLength(),
                    s.getNumChildren());
        }
    }

    /** One ACL entry; perms as zkCli prints them ("cdrwa"). */
    public record AclView(String scheme, String id, String perms) {
        static AclView of(ACL acl) {
            return new AclView(acl.getId().getScheme(), acl.getId().getId(), Znodes.perms(acl.getPerms()));
        }

        ACL toAcl() {
            if (scheme == null || id == null || perms == null) {
                throw ApiException.badRequest("an ACL entry needs scheme, id and perms");
            }
            int p = 0;
            for (char c : perms.toCharArray()) {
                p |= switch (c) {
                    case 'c' -> ZooDefs.Perms.CREATE;
                    case 'd' -> ZooDefs.Perms.DELETE;
                    case 'r' -> ZooDefs.Perms.READ;
                    case 'w' -> ZooDefs.Perms.WRITE;
                    case 'a' -> ZooDefs.Perms.ADMIN;
                    default -> throw ApiException.badRequest("unknown permission '" + c + "' (use c, d, r, w, a)");
                };
            }
            return new ACL(p, new Id(scheme, id));
        }
    }

    /**
     * A znode: data as UTF-8 text when it is valid UTF-8 ({@code encoding: "utf8"}), else base64; children and ACL
     * when asked for.
     */
    public record ZnodeView(
            String path, String data, String encoding, StatView stat, List<String> children, List<AclView> acl) {}

    /** Body of create (POST) and update (PUT). {@code mode}: persistent (default), persistent_sequential,
     * container, persistent_with_ttl, persistent_sequential_with_ttl. {@code version}: -1 (default) for any. */
    public record WriteRequest(
            String data, String encoding, String mode, Long ttl, List<AclView> acl, Integer version) {}

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String perms(int p) {
        StringBuilder sb = new StringBuilder();
        if ((p & ZooDefs.Perms.CREATE) != 0) {
            sb.append('c');
        }
        if ((p & ZooDefs.Perms.DELETE) != 0) {
            sb.append('d');
        }
        if ((p & ZooDefs.Perms.READ) != 0) {
            sb.append('r');
        }
        if ((p & ZooDefs.Perms.WRITE) != 0) {
            sb.append('w');
        }
        if ((p & ZooDefs.Perms.ADMIN) != 0) {
            sb.append('a');
        }
        return sb.toString();
    }

    /**
     * The ACL as the caller may see it: digests (a SHA-1 of a user's password, open to guessing) only to a caller
     * who may change the node, else as {@code user:x}, as ZooKeeper shows them to clients without ADMIN.
     */
    static List<AclView> acls(List<ACL> acls, boolean showDigests) {
        List<AclView> out = new ArrayList<>();
        for (ACL a : acls) {
            AclView v = AclView.of(a);
            if (!showDigests && "digest".equals(v.scheme()) && v.id().indexOf(':') >= 0) {
                v = new AclView(v.scheme(), v.id().substring(0, v.id().indexOf(':')) + ":x", v.perms());
            }
            out.add(v);
        }
        return out;
    }

    static String[] encode(byte[] data) {
        if (data == null) {
            return new String[] {null, "utf8"};
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
            return new String[] {text, "utf8"};
        } catch (CharacterCodingException e) {
            return new String[] {Base64.getEncoder().encodeToString(data), "base64"};
        }
    }

    static byte[] decode(String data, String encoding, int maxBytes) {
        if (data == null) {
            return new byte[0];
        }
        byte[] bytes;
        if (encoding == null || encoding.equalsIgnoreCase("utf8") || encoding.equalsIgnoreCase("utf-8")) {
            bytes = data.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equalsIgnoreCase("base64")) {
            try {
                bytes = Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("data is not valid base64");
            }
        } else {
            throw ApiException.badRequest("encoding must be utf8 or base64");
        }
        if (bytes.length > maxBytes) {
            throw new ApiException(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "data of " + bytes.length + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
        return bytes;
    }

    /** "" -> "/"; then ZooKeeper's own path rules (400 with its message when broken). */
    static String path(String raw, boolean sequential) {
        String path = raw == null || raw.isEmpty() ? "/" : raw;
        try {
            PathUtils.validatePath(path, sequential);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid path '" + path + "': " + e.getMessage());
        }
        return path;
    }
}
