package io.coordinator.config.format;

/**
 * The name of a context's node under the config root: {@code <application>} or {@code <application>,<profile>}
 * (profile-specific values, read after the application's own).
 */
public final class ContextName {
    /** Between application and profile. */
    public static final String SEPARATOR = ",";

    private ContextName() {}

    /** The node name for {@code application} and {@code profile} (null: the application's own context). */
    public static String of(String application, String profile) {
        return profile == null ? application : application + SEPARATOR + profile;
    }
}
