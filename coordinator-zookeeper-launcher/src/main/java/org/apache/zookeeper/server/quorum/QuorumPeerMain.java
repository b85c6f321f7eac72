package org.apache.zookeeper.server.quorum;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A drop-in for Apache ZooKeeper's {@code QuorumPeerMain} (our own code, none of ZooKeeper's): what
 * {@code zkServer.sh} and test harnesses run, {@code java -cp <jars> org.apache.zookeeper.server.quorum.QuorumPeerMain
 * zoo.cfg}, starts the Coordinator server on that zoo.cfg when {@code coordinator-server.jar} is on the class path
 * beside this class, with {@code --coordinator.zoo-cfg=<zoo.cfg>}. The fat jar is found as the home of Spring
 * Boot's {@code JarLauncher} (at its root) and run unpacked ({@link UnpackedServer}: the same server as
 * {@code java -jar coordinator-server.jar}, started sooner), in a JVM of its own with class-data sharing
 * ({@link ServerJvm}) or, when that is not wanted ({@code -Dcoordinator.launcher.fork=false}, a debugger), in this
 * one; when it cannot be unpacked, through that launcher in this JVM.
 * The ZooKeeper system properties such scripts pass ({@code -D...}) are handed on as the Coordinator settings they
 * mean.
 */
public final class QuorumPeerMain {
    static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

    /** ZooKeeper system properties -> the Coordinator setting each one means. */
    static final Map<String, String> SYSTEM_PROPERTIES = Map.of(
            "zookeeper.DigestAuthenticationProvider.superDigest", "coordinator.super-digest",
            "zookeeper.X509AuthenticationProvider.superUser", "coordinator.ssl.super-user",
            "zookeeper.kerberos.removeHostFromPrincipal", "coordinator.sasl.remove-host-from-principal",
            "zookeeper.kerberos.removeRealmFromPrincipal", "coordinator.sasl.remove-realm-from-principal",
            "readonlymode.enabled", "coordinator.read-only-mode-enabled",
            "zookeeper.extendedTypesEnabled", "coordinator.ttl-nodes-enabled",
            "zookeeper.enforceQuota", "coordinator.enforce-quota",
            "zookeeper.4lw.commands.whitelist", "coordinator.four-letter-words",
            "jute.maxbuffer", "coordinator.max-packet-size",
            // zkServer.sh's ZOO_LOG_DIR: the server's log file goes there (spring.log)
            "zookeeper.log.dir", "logging.file.path");

    private QuorumPeerMain() {}

    public static void main(String[] args) throws Throwable {
        List<String> launch;
        try {
            launch = arguments(args, System.getProperties());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Class<?> launcher;
        try {
            launcher = Class.forName(JAR_LAUNCHER);
        } catch (ClassNotFoundException e) {
            System.err.println("QuorumPeerMain: Spring Boot's " + JAR_LAUNCHER + " is not on the class path: put"
                    + " coordinator-server.jar beside this launcher's jar (java -cp"
                    + " coordinator-server.jar:coordinator-zookeeper-launcher.jar"
                    + " org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg)");
            System.exit(2);
            return;
        }
        String[] serverArgs = launch.toArray(String[]::new);
        UnpackedServer.Layout unpacked = unpacked(launcher);
        if (unpacked != null && ownJvm(unpacked, launch)) {
            return;
        }
        if (unpacked != null) {
            ClassLoader loader = unpacked.loader(); // lives as long as the server: never closed
            Thread.currentThread().setContextClassLoader(loader);
            invokeMain(Class.forName(unpacked.startClass(), false, loader), serverArgs);
        } else {
            invokeMain(launcher, serverArgs);
        }
    }

    /**
     * The server jar (the one holding Spring Boot's launcher) unpacked into the cache (see {@link UnpackedServer}),
     * or null to run it through the launcher when it cannot be (said on stderr: the start only takes longer).
     */
    private static UnpackedServer.Layout unpacked(Class<?> launcher) {
        Path jar = null;
        try {
            jar = Path.of(
                    launcher.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return null; // an exploded server (an IDE's class path): nothing to unpack
            }
            return UnpackedServer.unpack(jar, UnpackedServer.cacheRoot(System.getProperties(), System.getenv()));
        } catch (Exception e) {
            System.err.println("QuorumPeerMain: starting from " + jar + " without unpacking it first (" + e + ")");
            return null;
        }
    }

    /**
     * Runs the unpacked server in a JVM of its own ({@link ServerJvm}) and exits with its status; false (said on
     * stderr when it is a failure) to run it in this JVM instead.
     */
    private static boolean ownJvm(UnpackedServer.Layout unpacked, List<String> serverArgs) throws InterruptedException {
        Path self = null;
        try {
            self = Path.of(QuorumPeerMain.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (Exception e) {
            // not a file: stays in this JVM
        }
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (ServerJvm.reasonToStayInProcess(jvmOptions, System.getProperties(), self) != null) {
            return false;
        }
        int status;
        try {
            status = ServerJvm.run(unpacked, self, jvmOptions, serverArgs);
        } catch (IOException e) {
            System.err.println("QuorumPeerMain: starting the server in this JVM, not in one of its own (" + e + ")");
            return false;
        }
        System.exit(status);
        return true;
    }

    private static void invokeMain(Class<?> type, String[] args) throws Throwable {
        try {
            type.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // the server's own failure, not the reflection's wrapper
        }
    }

    /**
     * The server's arguments for ZooKeeper's command line and system properties; refuses, naming what is wrong, a
     * command line that is not one readable zoo.cfg (ZooKeeper's other form, {@code port dataDir}, is not offered).
     */
    static List<String> arguments(String[] args, Properties system) {
        if (args.length != 1) {
            throw new IllegalArgumentException("QuorumPeerMain: expected one argument, the zoo.cfg to start from;"
                    + " got " + args.length + " (" + String.join(" ", args) + ")");
        }
        Path cfg = Path.of(args[0]).toAbsolutePath();
        if (!Files.isRegularFile(cfg) || !Files.isReadable(cfg)) {
            throw new IllegalArgumentException("QuorumPeerMain: " + cfg + " is not a readable zoo.cfg file");
        }
        List<String> out = new ArrayList<>();
        out.add("--coordinator.zoo-cfg=" + cfg);
        SYSTEM_PROPERTIES.entrySet().stream()
                .filter(e -> system.getProperty(e.getKey()) != null)
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.add("--" + e.getValue() + "=" + system.getProperty(e.getKey())));
        return out;
    }
}
