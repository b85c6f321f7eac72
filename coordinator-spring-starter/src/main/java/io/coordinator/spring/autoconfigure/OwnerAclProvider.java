package io.coordinator.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * ACLs for nodes created by an authenticated client: the creating identity may do everything, everyone may read
 * (discovery, lock and leader recipes read each other's nodes). The starter's shared roots ({@code /services},
 * {@code /locks}, {@code /leaders}) and their ancestors are the exception: anyone may read and create under them,
 * so other identities can add their own services; a service's node and its instances belong to whoever created it
 * first, so no other identity can register as, change or delete them.
 */
public class OwnerAclProvider implements ACLProvider {
    static final List<ACL> OWNER_WRITES_ALL_READ = List.of(
            new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    static final List<ACL> SHARED_ROOT =
            List.of(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE, ZooDefs.Ids.ANYONE_ID_UNSAFE));

    private final List<String> roots;

    public OwnerAclProvider(List<String> roots) {
        this.roots = List.copyOf(roots);
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return new ArrayList<>(OWNER_WRITES_ALL_READ); // mutable: ZooKeeper's validateACL asks contains(null)
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        for (String root : roots) {
            if (root.equals(path) || root.startsWith(path.endsWith("/") ? path : path + "/")) {
                return new ArrayList<>(SHARED_ROOT);
            }
        }
        return getDefaultAcl();
    }

    /** The ids an ACL grants to: for tests and the endpoint. */
    static String describe(List<ACL> acl) {
        List<String> out = new ArrayList<>();
        for (ACL a : acl) {
            Id id = a.getId();
            out.add(id.getScheme() + ":" + id.getId() + "=" + a.getPerms());
        }
        return String.join(",", out);
    }
}
