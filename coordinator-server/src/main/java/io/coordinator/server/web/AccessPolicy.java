package io.coordinator.server.web;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may do what. Role {@code ADMIN} may do everything, {@code READ_ONLY} may read everything, and grants add
 * actions on configuration contexts matching a pattern ({@code shop,*}, {@code *,prod}) and on znode subtrees
 * ({@code /apps/shop/**}). Users of {@code coordinator.web.users} hold a role and grants; a bearer token's subject
 * holds the roles its claim names: the built-in two, or named sets of grants from {@code coordinator.web.roles}.
 */
public final class AccessPolicy {

    /** What a grant allows: read, publish and rollback apply to contexts; read and write to znodes. */
    public enum Action {
        READ,
        PUBLISH,
        ROLLBACK,
        WRITE
    }

    /** One grant: actions on the contexts and znode subtrees matching any of its patterns. */
    public record Grant(List<String> contexts, List<String> znodes, Set<Action> actions) {
        public Grant {
            contexts = contexts == null ? List.of() : List.copyOf(contexts);
            znodes = znodes == null ? List.of() : List.copyOf(znodes);
            actions = actions == null || actions.isEmpty() ? Set.of() : EnumSet.copyOf(actions);
        }
    }

    private record Compiled(List<Pattern[]> contexts, List<Pattern> znodes, Set<Action> actions) {}

    private final Map<String, List<Compiled>> grantsByUser;
    private final Map<String, List<Compiled>> grantsByRole;

    /** @param grantsByUser each user's grants (the role folded in, see {@link #grantsOf}) */
    public AccessPolicy(Map<String, List<Grant>> grantsByUser) {
        this(grantsByUser, Map.of());
    }

    /**
     * @param grantsByUser each user's grants (the role folded in, see {@link #grantsOf})
     * @param grantsByRole the grants of each named role, besides the built-in ADMIN and READ_ONLY
     */
    public AccessPolicy(Map<String, List<Grant>> grantsByUser, Map<String, List<Grant>> grantsByRole) {
        this.grantsByUser = compileAll(grantsByUser);
        Map<String, List<Grant>> roles = new HashMap<>(grantsByRole);
        for (WebProperties.Role builtIn : WebProperties.Role.values()) {
            roles.put(builtIn.name(), grantsOf(builtIn, List.of()));
        }
        this.grantsByRole = compileAll(roles);
    }

    private static Map<String, List<Compiled>> compileAll(Map<String, List<Grant>> grants) {
        Map<String, List<Compiled>> out = new HashMap<>();
        grants.forEach((name, list) ->
                out.put(name, list.stream().map(AccessPolicy::compile).toList()));
        return out;
    }

    /** What a configured user may do. */
    public Grants forUser(String user) {
        return new Grants(grantsByUser.getOrDefault(user, List.of()));
    }

    /** What the holder of these roles may do (unknown names grant nothing). */
    public Grants forRoles(Iterable<String> roles) {
        List<Compiled> all = new ArrayList<>();
        for (String role : roles) {
            all.addAll(grantsByRole.getOrDefault(role, List.of()));
        }
        return new Grants(all);
    }

    /** One subject's grants, ready to be asked. */
    public static final class Grants {
        private final List<Compiled> grants;

        private Grants(List<Compiled> grants) {
            this.grants = grants;
        }

        /** Whether the subject may do {@code action} on configuration context {@code application[,profile]}. */
        public boolean mayOnContext(Action action, String application, String profile) {
            String p = profile == null ? "" : profile;
            for (Compiled g : grants) {
                if (g.actions().contains(action)) {
                    for (Pattern[] c : g.contexts()) {
                        if (c[0].matcher(application).matches()
                                && c[1].matcher(p).matches()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /** Whether the subject may do {@code action} (READ or WRITE) on the znode at {@code path}. */
        public boolean mayOnZnode(Action action, String path) {
            for (Compiled g : grants) {
                if (g.actions().contains(action)) {
                    for (Pattern z : g.znodes()) {
                        if (z.matcher(path).matches()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    /** A user's role as grants, followed by the user's own grants. */
    public static List<Grant> grantsOf(WebProperties.Role role, List<Grant> grants) {
        List<Grant> all = new ArrayList<>();
        if (role == WebProperties.Role.ADMIN) {
            all.add(new Grant(List.of("*"), List.of("/**"), EnumSet.allOf(Action.class)));
        } else if (role == WebProperties.Role.READ_ONLY) {
            all.add(new Grant(List.of("*"), List.of("/**"), EnumSet.of(Action.READ)));
        }
        all.addAll(grants);
        return all;
    }

    /** Throws IllegalArgumentException naming the first malformed pattern or misplaced action of {@code g}. */
    public static void validate(Grant g) {
        compile(g);
        if (g.contexts().isEmpty()
                && (g.actions().contains(Action.PUBLISH) || g.actions().contains(Action.ROLLBACK))) {
            throw new IllegalArgumentException("publish and rollback apply to contexts, and this grant names none");
        }
        if (g.znodes().isEmpty() && g.actions().contains(Action.WRITE)) {
            throw new IllegalArgumentException("write applies to znodes (contexts are changed by publish and"
                    + " rollback), and this grant names none");
        }
    }

    private static Compiled compile(Grant g) {
        List<Pattern[]> contexts = new ArrayList<>();
        for (String c : g.contexts()) {
            contexts.add(contextPattern(c));
        }
        List<Pattern> znodes = new ArrayList<>();
        for (String z : g.znodes()) {
            znodes.add(znodePattern(z));
        }
        return new Compiled(contexts, znodes, g.actions());
    }

    /**
     * {@code app[,profile]} with {@code *} matching any run of characters in its part; a lone {@code *} matches
     * every context. Without a profile part the pattern names the context without a profile only.
     */
    static Pattern[] contextPattern(String pattern) {
        String p = pattern.trim();
        if (p.equals("*")) {
            return new Pattern[] {Pattern.compile(".*"), Pattern.compile(".*")};
        }
        String[] parts = p.split(",", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            throw new IllegalArgumentException("a context pattern is <application>[,<profile>] with * as a wildcard,"
                    + " e.g. shop,* or *,prod: '" + pattern + "'");
        }
        return new Pattern[] {glob(parts[0], ".*"), parts.length == 2 ? glob(parts[1], ".*") : Pattern.compile("")};
    }

    /** An absolute path; {@code /**} at the end matches the node and everything below, {@code *} one name. */
    static Pattern znodePattern(String pattern) {
        String p = pattern.trim();
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException(
                    "a znode pattern is an absolute path, e.g. /apps/shop/**: '" + pattern + "'");
        }
        if (p.equals("/**")) {
            return Pattern.compile("/.*");
        }
        if (p.endsWith("/**")) {
            String base = p.substring(0, p.length() - 3);
            return Pattern.compile(glob(base, "[^/]*").pattern() + "(/.*)?");
        }
        return glob(p, "[^/]*");
    }

    /** {@code s} with each {@code *} standing for {@code star} and everything else literal. */
    private static Pattern glob(String s, String star) {
        return Pattern.compile(String.join(star, quoteAll(s.split("\\*", -1))));
    }

    private static List<String> quoteAll(String[] pieces) {
        List<String> out = new ArrayList<>();
        for (String piece : pieces) {
            out.add(piece.isEmpty() ? "" : Pattern.quote(piece));
        }
        return out;
    }
}
