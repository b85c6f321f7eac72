package io.coordinator.server.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.data.Id;

/** {@code coordinator.web.*}: the REST API, its users and the configuration history. */
public class WebProperties {

    /**
     * Whether GET requests of the REST API and the actuator endpoints other than health need no login. Off by
     * default: configuration holds secrets. Writes always need an ADMIN user.
     */
    private boolean anonymousRead = false;

    /**
     * Users of the REST API and console by name. Passwords are stored hashed in Spring Security's delegating
     * format, e.g. {@code {bcrypt}$2a$10$...} ({@code {noop}} works too, for tests only).
     */
    private Map<String, User> users = new LinkedHashMap<>();

    /**
     * Named roles: sets of grants a bearer token's roles claim can name (besides the built-in ADMIN and
     * READ_ONLY).
     */
    private Map<String, NamedRole> roles = new LinkedHashMap<>();

    /** Bearer tokens (JWT) from an identity provider; active when spring.security.oauth2.resourceserver.jwt.* is set. */
    private final Jwt jwt = new Jwt();

    /** Public keys the REST API encrypts configuration values with; the private keys stay with the applications. */
    private final Encryption encryption = new Encryption();

    public static class Encryption {
        /**
         * Public key texts ({@code coordinator-pub-v1:<keyId>:...}, from {@code generate-key}) by any name: values
         * are encrypted for the key id inside the text.
         */
        private Map<String, String> publicKeys = new LinkedHashMap<>();

        public Map<String, String> getPublicKeys() {
            return publicKeys;
        }

        public void setPublicKeys(Map<String, String> publicKeys) {
            this.publicKeys = publicKeys;
        }
    }

    public Encryption getEncryption() {
        return encryption;
    }

    public static class NamedRole {
        private List<Grant> grants = new ArrayList<>();

        public List<Grant> getGrants() {
            return grants;
        }

        public void setGrants(List<Grant> grants) {
            this.grants = grants;
        }
    }

    public static class Jwt {
        /** The claim holding the subject's roles: ADMIN, READ_ONLY or names of coordinator.web.roles. */
        private String rolesClaim = "roles";

        /** The claim naming the subject (history's author, the audit log's user). */
        private String principalClaim = "sub";

        public String getRolesClaim() {
            return rolesClaim;
        }

        public void setRolesClaim(String rolesClaim) {
            this.rolesClaim = rolesClaim;
        }

        public String getPrincipalClaim() {
            return principalClaim;
        }

        public void setPrincipalClaim(String principalClaim) {
            this.principalClaim = principalClaim;
        }
    }

    public Map<String, NamedRole> getRoles() {
        return roles;
    }

    public void setRoles(Map<String, NamedRole> roles) {
        this.roles = roles;
    }

    public Jwt getJwt() {
        return jwt;
    }

    /**
     * The ZooKeeper digest identity ({@code user:password}) the REST layer authenticates as; znode ACLs apply to
     * it like to any client. Unset (the default), it is generated: {@code coordinator-web:<key>}, the key derived
     * from the secret all members share, so every member has the same one and nobody can guess it. Set it (the
     * same on every member) when wire clients must know it, e.g. to grant it access to their own nodes.
     */
    private String zkIdentity;

    /** Largest znode data the API accepts (larger bodies get 413). ZooKeeper's default limit is just under 1 MiB. */
    private int maxDataBytes = 1_000_000;

    /** Published configuration versions kept per application and profile (older ones are deleted). */
    private int historyRetention = 100;

    /** How long a REST request waits for the local server (connect) before answering 503. */
    private Duration requestTimeout = Duration.ofSeconds(10);

    /** Where service instances are registered (the starter's and curator-x-discovery's base path). */
    private String servicesPath = "/services";

    /** Where configuration contexts live: {@code <config-path>/<application>[,<profile>]}. */
    private String configPath = "/config";

    /** Reserved path of the configuration history. */
    private String historyPath = "/coordinator/history";

    public enum Role {
        ADMIN,
        READ_ONLY
    }

    /**
     * {@code coordinator.web.users.<name>.grants[i]}: actions on the contexts matching {@code context}, or on the
     * znodes matching {@code znode}. One pattern per grant: a context name holds a comma, which a list property
     * given on the command line or in the environment would split.
     */
    public static class Grant {
        /** A configuration context pattern: {@code shop,*}, {@code *,prod}, {@code shop} (no profile), {@code *}. */
        private String context;

        /** A znode pattern for the raw API: {@code /apps/shop/**} (the node and below), {@code /a/*} (one level). */
        private String znode;

        /** {@code read}, {@code publish}, {@code rollback} (contexts); {@code read}, {@code write} (znodes). */
        private List<AccessPolicy.Action> actions = new ArrayList<>();

        public String getContext() {
            return context;
        }

        public void setContext(String context) {
            this.context = context;
        }

        public String getZnode() {
            return znode;
        }

        public void setZnode(String znode) {
            this.znode = znode;
        }

        public List<AccessPolicy.Action> getActions() {
            return actions;
        }

        public void setActions(List<AccessPolicy.Action> actions) {
            this.actions = actions;
        }

        AccessPolicy.Grant toGrant() {
            return new AccessPolicy.Grant(
                    context == null ? List.of() : List.of(context),
                    znode == null ? List.of() : List.of(znode),
                    actions.isEmpty() ? Set.of() : EnumSet.copyOf(actions));
        }
    }

    public static class User {
        private String password;

        /**
         * The user's identity on the wire protocol: ZooKeeper's digest of {@code <name>:<password>} as
         * {@code <name>:<base64 SHA-1>} (printed by {@code hash-password <name>}). With it, the ACLs the REST
         * layer writes grant this user what its grants allow, to a client that runs
         * {@code addauth digest <name>:<password>}. Unset: the user exists for REST and the console only.
         */
        private String wireDigest;

        public String getWireDigest() {
            return wireDigest;
        }

        public void setWireDigest(String wireDigest) {
            this.wireDigest = wireDigest;
        }

        /** The digest ACL id of user {@code name}, or null without a wire digest; a malformed one is named. */
        Id wireId(String name) {
            if (wireDigest == null || wireDigest.isBlank()) {
                return null;
            }
            String property = "coordinator.web.users." + name + ".wire-digest";
            if (name.contains(":")) {
                throw new IllegalArgumentException(property + ": a user name with ':' cannot have a digest identity");
            }
            String hash = wireDigest.trim();
            if (hash.contains(":")) {
                if (!hash.startsWith(name + ":")) {
                    throw new IllegalArgumentException(property + " is the digest of user '"
                            + hash.substring(0, hash.indexOf(':')) + "', not of '" + name + "'");
                }
                hash = hash.substring(name.length() + 1);
            }
            byte[] sha1;
            try {
                sha1 = Base64.getDecoder().decode(hash);
            } catch (IllegalArgumentException e) {
                sha1 = new byte[0];
            }
            if (sha1.length != 20) {
                throw new IllegalArgumentException(property + " is not a ZooKeeper digest (<name>:<base64 of 20"
                        + " bytes>); print one with 'java -jar coordinator-server.jar hash-password " + name + "'");
            }
            return new Id("digest", name + ":" + hash);
        }

        /** ADMIN (everything) or READ_ONLY (read everything). Unset: READ_ONLY, or nothing beyond the grants. */
        private Role role;

        /** Actions on configuration contexts and znode subtrees, beyond the role. */
        private List<Grant> grants = new ArrayList<>();

        public List<Grant> getGrants() {
            return grants;
        }

        public void setGrants(List<Grant> grants) {
            this.grants = grants;
        }

        /** The role in effect: the one set, else READ_ONLY for a user without grants, else none. */
        public Role effectiveRole() {
            return role != null ? role : grants.isEmpty() ? Role.READ_ONLY : null;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public Role getRole() {
            return role;
        }

        public void setRole(Role role) {
            this.role = role;
        }
    }

    public boolean isAnonymousRead() {
        return anonymousRead;
    }

    public void setAnonymousRead(boolean anonymousRead) {
        this.anonymousRead = anonymousRead;
    }

    public Map<String, User> getUsers() {
        return users;
    }

    public void setUsers(Map<String, User> users) {
        this.users = users;
    }

    public String getZkIdentity() {
        return zkIdentity;
    }

    public void setZkIdentity(String zkIdentity) {
        this.zkIdentity = zkIdentity;
    }

    public int getMaxDataBytes() {
        return maxDataBytes;
    }

    public void setMaxDataBytes(int maxDataBytes) {
        this.maxDataBytes = maxDataBytes;
    }

    public int getHistoryRetention() {
        return historyRetention;
    }

    public void setHistoryRetention(int historyRetention) {
        this.historyRetention = historyRetention;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public String getServicesPath() {
        return servicesPath;
    }

    public void setServicesPath(String servicesPath) {
        this.servicesPath = servicesPath;
    }

    public String getConfigPath() {
        return configPath;
    }

    public void setConfigPath(String configPath) {
        this.configPath = configPath;
    }

    public String getHistoryPath() {
        return historyPath;
    }

    public void setHistoryPath(String historyPath) {
        this.historyPath = historyPath;
    }
}
