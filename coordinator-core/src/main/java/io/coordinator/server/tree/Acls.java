package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.ZkException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** ACL checks and the ACL normalisation ZooKeeper applies on create/setACL. */
public final class Acls {

    private Acls() {}

    /**
     * ZooKeeper's checkACL: true if any entry grants {@code perm} to one of {@code ids}. A null or empty ACL
     * grants everything, and a {@code super} id bypasses all checks, as in ZooKeeper.
     */
    public static boolean permits(List<Acl> acl, int perm, List<Id> ids) {
        if (acl == null || acl.isEmpty()) {
            return true;
        }
        if (ids != null) {
            for (Id id : ids) {
                if (id != null && "super".equals(id.scheme())) {
                    return true;
                }
            }
        }
        for (Acl a : acl) {
            if (a == null || a.id() == null || (a.perms() & perm) == 0) {
                continue;
            }
            Id granted = a.id();
            if ("world".equals(granted.scheme()) && "anyone".equals(granted.id())) {
                return true;
            }
            if (ids == null) {
                continue;
            }
            for (Id id : ids) {
                if (id != null
                        && granted.scheme() != null
                        && granted.scheme().equals(id.scheme())
                        && matches(granted.scheme(), id.id(), granted.id())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(String scheme, String id, String aclExpr) {
        if (id == null || aclExpr == null) {
            return false;
        }
        if ("ip".equals(scheme)) {
            return IpAddresses.matches(id, aclExpr);
        }
        // digest, and every other scheme, matches by exact id.
        return id.equals(aclExpr);
    }

    /** The digest id for "user:password": "user:" + base64(sha1("user:password")). */
    public static String digest(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        String user = colon < 0 ? userColonPassword : userColonPassword.substring(0, colon);
        try {
            byte[] sha = MessageDigest.getInstance("SHA1").digest(userColonPassword.getBytes(StandardCharsets.UTF_8));
            return user + ":" + Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is missing from this JVM", e);
        }
    }

    /** As {@link #fixup(List, List, Set)} with no extra auth schemes (ZooKeeper's default: ip and digest). */
    public static List<Acl> fixup(List<Acl> acl, List<Id> authIds) {
        return fixup(acl, authIds, Set.of());
    }

    /**
     * The ACL a create/setACL stores, as PrepRequestProcessor.fixupACL computes it: duplicates removed, "auth"
     * expanded to the caller's authenticated ids (not ip), every other entry validated by its scheme. Throws
     * INVALIDACL for a null/empty list, a null entry, an unknown scheme or an id its scheme rejects. Like
     * ZooKeeper, the permission bits are not checked. {@code extraSchemes} are further enabled auth providers
     * (e.g. "sasl"): their ids are accepted as they are and count as authenticated for "auth".
     */
    public static List<Acl> fixup(List<Acl> acl, List<Id> authIds, Set<String> extraSchemes) {
        if (acl == null || acl.isEmpty()) {
            throw new ZkException(Code.INVALIDACL);
        }
        List<Acl> unique = new ArrayList<>(new LinkedHashSet<>(acl));
        List<Acl> result = new ArrayList<>();
        for (Acl a : unique) {
            if (a == null || a.id() == null || a.id().scheme() == null) {
                throw new ZkException(Code.INVALIDACL);
            }
            Id id = a.id();
            if ("world".equals(id.scheme()) && "anyone".equals(id.id())) {
                result.add(a);
            } else if ("auth".equals(id.scheme())) {
                boolean any = false;
                if (authIds != null) {
                    for (Id caller : authIds) {
                        if (caller != null && isAuthenticatedScheme(caller.scheme(), extraSchemes)) {
                            any = true;
                            result.add(new Acl(a.perms(), caller));
                        }
                    }
                }
                if (!any) {
                    throw new ZkException(Code.INVALIDACL);
                }
            } else if (isValidId(id, extraSchemes)) {
                result.add(a);
            } else {
                throw new ZkException(Code.INVALIDACL);
            }
        }
        return result;
    }

    private static boolean isAuthenticatedScheme(String scheme, Set<String> extraSchemes) {
        return "digest".equals(scheme) || extraSchemes.contains(scheme);
    }

    private static boolean isValidId(Id id, Set<String> extraSchemes) {
        String scheme = id.scheme();
        if (id.id() == null) {
            return false;
        }
        if ("ip".equals(scheme)) {
            return IpAddresses.isValid(id.id());
        }
        if ("digest".equals(scheme)) {
            // String.split drops trailing empty parts: "user:" is invalid, as in ZooKeeper.
            return id.id().split(":").length == 2;
        }
        return extraSchemes.contains(scheme);
    }
}
