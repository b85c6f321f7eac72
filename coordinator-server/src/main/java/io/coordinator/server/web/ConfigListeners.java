package io.coordinator.server.web;

import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which instances run which version of a context (Nacos' listener query): every registered instance whose
 * metadata says {@code config.<context>=<zxid>} (the starter writes it, and updates it when it applies a change),
 * with the published version that zxid belongs to.
 */
final class ConfigListeners {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PREFIX = "config.";

    private ConfigListeners() {}

    /**
     * One instance and the configuration it runs: {@code version} is the newest published version at or before
     * its zxid (null before the first), {@code current} whether it has read the latest published version.
     */
    public record Listener(
            String service, String instance, String address, String zxid, Integer version, boolean current) {}

    static List<Listener> of(
            ZooKeeper z, String servicesPath, String context, List<ConfigStore.Version> history, Access access)
            throws KeeperException, InterruptedException {
        List<Listener> out = new ArrayList<>();
        for (Registration r : registrations(z, servicesPath, access)) {
            String zxid = r.json()
                    .path("payload")
                    .path("metadata")
                    .path(PREFIX + context)
                    .asString(null);
            if (zxid != null) {
                out.add(listener(r.service(), r.id(), r.json(), zxid, history));
            }
        }
        return out;
    }

    /** One registered instance: its service, its id, its registration (JSON) and its znode's Stat. */
    record Registration(String service, String id, JsonNode json, Stat stat) {}

    /**
     * Every registration the user may read, by service and id. A node that is not JSON (not written by the starter)
     * comes as an empty object, so it is listed with no fields.
     */
    static List<Registration> registrations(ZooKeeper z, String servicesPath, Access access)
            throws KeeperException, InterruptedException {
        List<Registration> out = new ArrayList<>();
        List<String> services;
        try {
            services = new ArrayList<>(z.getChildren(servicesPath, false));
        } catch (KeeperException.NoNodeException none) {
            return out;
        }
        services.sort(null);
        for (String service : services) {
            String base = servicesPath + "/" + service;
            if (!access.mayReadZnode(base)) {
                continue;
            }
            List<String> ids;
            try {
                ids = new ArrayList<>(z.getChildren(base, false));
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            ids.sort(null);
            for (String id : ids) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = z.getData(base + "/" + id, false, stat);
                } catch (KeeperException.NoNodeException gone) {
                    continue; // deregistered since the listing
                }
                out.add(new Registration(service, id, json(data), stat));
            }
        }
        return out;
    }

    private static JsonNode json(byte[] data) {
        try {
            return data == null || data.length == 0 ? JSON.createObjectNode() : JSON.readTree(data);
        } catch (RuntimeException notJson) {
            return JSON.createObjectNode();
        }
    }

    private static Listener listener(
            String service, String id, JsonNode instance, String zxid, List<ConfigStore.Version> history) {
        Ran ran = ran(zxid, history);
        String address = instance.path("address").asString("")
                + (instance.path("port").isNumber()
                        ? ":" + instance.path("port").asInt()
                        : "");
        return new Listener(service, id, address, zxid, ran.version(), ran.current());
    }

    /** The published version a reported zxid runs (null before the first), and whether it is the latest. */
    record Ran(Integer version, boolean current) {}

    static Ran ran(String zxid, List<ConfigStore.Version> history) {
        long runs;
        try {
            runs = Long.decode(zxid);
        } catch (NumberFormatException e) {
            runs = -1;
        }
        Integer version = null;
        long versionZxid = -1;
        long latest = -1;
        for (ConfigStore.Version v : history) { // newest first
            long at = v.zxid() == null ? -1 : Long.decode(v.zxid());
            latest = Math.max(latest, at);
            if (at <= runs && at > versionZxid) {
                versionZxid = at;
                version = v.version();
            }
        }
        return new Ran(version, latest >= 0 && runs >= latest);
    }
}
