package io.coordinator.spring.test;

/** Closes what a test class opened, in order, skipping what it never made. */
public final class Closing {
    private Closing() {}

    /** Closes every non-null resource; the first failure is thrown once all were tried. */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
