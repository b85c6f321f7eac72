package io.coordinator.server.web;

import io.coordinator.server.web.AccessPolicy.Action;
import java.util.Locale;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
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
        if (!mayOnContext(user(), action, context)) {
            throw forbidden(action, "configuration context " + context.name());
        }
    }

    public boolean mayReadContext(ConfigStore.Context context) {
        return mayOnContext(user(), Action.READ, context);
    }

    /** Refuses unless the current user may do {@code action} (READ or WRITE) on the znode. */
    public void requireZnode(Action action, String path) {
        if (!mayOnZnode(user(), action, path)) {
            throw forbidden(action, "znode " + path);
        }
    }

    public boolean mayReadZnode(String path) {
        return mayOnZnode(user(), Action.READ, path);
    }

    /** Which changed paths the current user may be told of (for the event stream, evaluated per event later). */
    public Predicate<String> readablePaths() {
        String user = user();
        return path -> mayOnZnode(user, Action.READ, path);
    }

    private boolean mayOnContext(String user, Action action, ConfigStore.Context c) {
        if (user == null) {
            return action == Action.READ && props.isAnonymousRead();
        }
        return policy.mayOnContext(user, action, c.application(), c.profile());
    }

    /**
     * Raw znodes: a znode grant, or for reads, a context's own znodes and history to whoever may read the context.
     */
    private boolean mayOnZnode(String user, Action action, String path) {
        if (user == null) {
            return action == Action.READ && props.isAnonymousRead();
        }
        if (policy.mayOnZnode(user, action, path)) {
            return true;
        }
        if (action != Action.READ) {
            return false;
        }
        ConfigStore.Context context = contextOf(path, props.getConfigPath());
        if (context == null) {
            context = contextOf(path, props.getHistoryPath());
        }
        return context != null && policy.mayOnContext(user, action, context.application(), context.profile());
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

    private static String user() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null || a instanceof AnonymousAuthenticationToken || !a.isAuthenticated() ? null : a.getName();
    }

    private static ApiException forbidden(Action action, String target) {
        String who = user();
        return new ApiException(
                HttpStatus.FORBIDDEN,
                (who == null ? "An anonymous caller" : "User '" + who + "'") + " may not "
                        + action.name().toLowerCase(Locale.ROOT) + " " + target);
    }
}
