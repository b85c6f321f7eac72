package io.coordinator.server.web;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.LoggerFactory;

/**
 * History written before the REST identity was generated is ACLed to the former well-known default, which
 * anyone can authenticate as. On first use the generated identity takes those nodes over: every ACL entry naming
 * the old identity is rewritten to name the new one. Children go first and the root last, so an interrupted
 * take-over is picked up again at the next start (the root still names the old identity).
 */
final class LegacyRestIdentity {
    static final String IDENTITY = "coordinator-web:change-me";

    private LegacyRestIdentity() {}

    /** Takes over the subtree at {@code root} for {@code identity}; returns how many znodes changed. */
    static int adopt(ZooKeeper z, String root, String identity) throws KeeperException, InterruptedException {
        Id legacy = digest(IDENTITY);
        // Without ADMIN on a node, getACL shows digests as "user:x" (as ZooKeeper does): the old identity's
        // entries look like that until this session authenticates as it.
        Id redacted = new Id("digest", IDENTITY.substring(0, IDENTITY.indexOf(':')) + ":x");
        if (z.exists(root, false) == null) {
            return 0;
        }
        List<ACL> rootAcl = z.getACL(root, new Stat());
        if (!names(rootAcl, legacy) && !names(rootAcl, redacted)) {
            return 0;
        }
        z.addAuthInfo("digest", IDENTITY.getBytes(StandardCharsets.UTF_8));
        int changed = adopt(z, root, legacy, digest(identity));
        LoggerFactory.getLogger(LegacyRestIdentity.class)
                .info(
                        "{} znodes under {} were ACLed to the former default REST identity; they now name the"
                                + " generated one",
                        changed,
                        root);
        return changed;
    }

    private static int adopt(ZooKeeper z, String path, Id legacy, Id current)
            throws KeeperException, InterruptedException {
        int changed = 0;
        for (String child : z.getChildren(path, false)) {
            changed += adopt(z, path.equals("/") ? "/" + child : path + "/" + child, legacy, current);
        }
        Stat stat = new Stat();
        List<ACL> acl = z.getACL(path, stat);
        if (names(acl, legacy)) {
            List<ACL> next = new ArrayList<>(); // mutable: the client asks it whether it contains null
            for (ACL a : acl) {
                next.add(a.getId().equals(legacy) ? new ACL(a.getPerms(), current) : a);
            }
            z.setACL(path, next, stat.getAversion());
            changed++;
        }
        return changed;
    }

    private static boolean names(List<ACL> acl, Id id) {
        return acl.stream().anyMatch(a -> a.getId().equals(id));
    }

    /** The digest ACL id of {@code user:password}. */
    static Id digest(String identity) {
        try {
            return new Id("digest", DigestAuthenticationProvider.generateDigest(identity));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
