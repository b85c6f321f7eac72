package io.coordinator.server.web;

import io.coordinator.config.format.gray.GrayRelease;
import io.coordinator.server.web.AccessPolicy.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The {@link AccessPolicy} applied to the signed-in user of the current request. Controllers call it before they
 * touch the tree; a refusal is a 403 problem naming the user, the action and the target.
 */
public final class Access {
    private final AccessPolicy policy;
    private final WebProperties props;

    public Access(AccessPolicy policy, WebProperties props) {
        this.policy = policy;
        this.props = props;
    }

    /** Refuses unless the current user may do {@code action} on the context. */
    public void requireContext(Action action, ConfigStore.Context context) {
        if (!mayOnContext(grants(), action, context)) {
            throw forbidden(action, "configuration context " + context.name());
        }
    }

    public boolean mayOnContext(Action action, ConfigStore.Context context) {
        return mayOnContext(grants(), action, context);
    }

    public boolean mayReadContext(ConfigStore.Context context) {
        return mayOnContext(grants(), Action.READ, context);
    }

    /** Refuses unless the current user may do {@code action} (READ or WRITE) on the znode. */
    public void requireZnode(Action action, String path) {
        if (!mayOnZnode(grants(), action, path)) {
            throw forbidden(action, "znode " + path);
        }
    }

    public boolean mayWriteZnode(String path) {
        return mayOnZnode(grants(), Action.WRITE, path);
    }

    public boolean mayReadZnode(String path) {
        return mayOnZnode(grants(), Action.READ, path);
    }

    /** Which changed paths the current user may be told of (for the event stream, evaluated per event later). */
    public Predicate<String> readablePaths() {
        AccessPolicy.Grants grants = grants();
        return path -> mayOnZnode(grants, Action.READ, path);
    }

    private boolean mayOnContext(AccessPolicy.Grants grants, Action action, ConfigStore.Context c) {
        if (grants == null) {
            return action == Action.READ && props.isAnonymousRead();
        }
        return grants.mayOnContext(action, c.application(), c.profile());
    }

    /**
     * Raw znodes: a znode grant, or for reads, a context's own znodes and history to whoever may read the context.
     */
    private boolean mayOnZnode(AccessPolicy.Grants grants, Action action, String path) {
        if (grants == null) {
            return action == Action.READ && props.isAnonymousRead();
        }
        if (grants.mayOnZnode(action, path)) {
            return true;
        }
        if (action != Action.READ) {
            return false;
        }
        ConfigStore.Context context = contextOf(path, props.getConfigPath());
        if (context == null) {
            context = contextOf(path, props.getHistoryPath());
        }
        if (context == null) {
            context = contextOf(path, GrayRelease.ROOT);
        }
        return context != null && grants.mayOnContext(action, context.application(), context.profile());
    }

    /** The context a path under {@code base} belongs to ({@code base/<context>[/...]}), or null. */
    static ConfigStore.Context contextOf(String path, String base) {
        if (!path.startsWith(base + "/")) {
            return null;
        }
        String rest = path.substring(base.length() + 1);
        int slash = rest.indexOf('/');
        try {
            return ConfigStore.Context.parse(slash < 0 ? rest : rest.substring(0, slash));
        } catch (ApiException notAContext) {
            return null;
        }
    }

    /**
     * The current subject's grants, or null when anonymous: a configured user's (HTTP Basic), else those of the
     * roles its authorities name (a bearer token's claim).
     */
    private AccessPolicy.Grants grants() {
        Authentication a = authentication();
        if (a == null) {
            return null;
        }
        if (a instanceof UsernamePasswordAuthenticationToken) {
            return policy.forUser(a.getName());
        }
        List<String> roles = new ArrayList<>();
        for (GrantedAuthority authority : a.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && name.startsWith("ROLE_")) {
                roles.add(name.substring("ROLE_".length()));
            }
        }
        return policy.forRoles(roles);
    }

    private static Authentication authentication() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null || a instanceof AnonymousAuthenticationToken || !a.isAuthenticated() ? null : a;
    }

    private static String user() {
        Authentication a = authentication();
        return a == null ? null : a.getName();
    }

    private static ApiException forbidden(Action action, String target) {
        String who = user();
        return new ApiException(
                HttpStatus.FORBIDDEN,
                (who == null ? "An anonymous caller" : "User '" + who + "'") + " may not "
                        + action.name().toLowerCase(Locale.ROOT) + " " + target);
    }
}
