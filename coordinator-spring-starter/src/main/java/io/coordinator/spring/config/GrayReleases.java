package io.coordinator.spring.config;

import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.config.format.gray.InstanceFacts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Applies the gray release of a context ({@code /coordinator/gray/<context node name>}) to its main values where it
 * selects this instance. Matching and the change it makes are {@link GrayRelease}'s, shared with the server.
 */
public final class GrayReleases {
    private GrayReleases() {}

    /** The gray node of the context at {@code contextPath} ({@code /config/app} or {@code /config/app,profile}). */
    public static String path(String contextPath) {
        return GrayRelease.path(ZKPaths.getNodeFromPath(contextPath));
    }

    /**
     * What the gray node held: the release (null: none, or not usable), the zxid read (its mzxid; when there is
     * none, the pzxid of {@link GrayRelease#ROOT}, so an abort moves the version on), and why a node that is there
     * could not be used.
     */
    record Read(GrayRelease release, long zxid, String problem) {}

    /** Reads the gray node; connection problems propagate, as for the main values. */
    static Read read(CuratorFramework client, String contextPath) throws Exception {
        String path = path(contextPath);
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException none) {
            Stat root = client.checkExists().forPath(GrayRelease.ROOT);
            return new Read(null, root == null ? 0 : root.getPzxid(), null);
        } catch (KeeperException.NoAuthException e) {
            return new Read(
                    null,
                    0,
                    "not allowed to read " + path + " (coordinator.client.auth.* names no user granted read on the"
                            + " context): running the main version");
        }
        try {
            return new Read(GrayRelease.decode(data == null ? new byte[0] : data), stat.getMzxid(), null);
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
            return new Read(null, stat.getMzxid(), path + " does not decode: " + why + "; running the main version");
        }
    }

    /** The main snapshot with the release applied where it selects {@code facts}, and the status to report. */
    record Applied(ConfigTree.Snapshot snapshot, GrayStatus status) {}

    static Applied apply(ConfigTree.Snapshot main, Read gray, InstanceFacts facts) {
        long version = Math.max(main.mzxid(), gray.zxid());
        if (gray.release() == null) {
            return new Applied(
                    new ConfigTree.Snapshot(main.values(), version, main.documents(), main.broken()),
                    gray.problem() == null ? GrayStatus.NONE : new GrayStatus(null, false, gray.problem()));
        }
        GrayRelease release = gray.release();
        boolean selected = facts != null && release.selects(facts);
        Map<String, Object> values = main.values();
        if (selected) {
            Map<String, String> text = new LinkedHashMap<>();
            main.values().forEach((k, v) -> text.put(k, v == null ? null : v.toString()));
            values = new LinkedHashMap<>(release.applyTo(text));
        }
        return new Applied(
                new ConfigTree.Snapshot(values, version, main.documents(), main.broken()),
                new GrayStatus(release.release(), selected, null));
    }
}
