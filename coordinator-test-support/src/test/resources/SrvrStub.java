import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A child process for the launcher's tests: answers every connection with a srvr-like Mode line. */
public class SrvrStub {
    public static void main(String[] args) throws Exception {
        long coordinatorVars = System.getenv().keySet().stream().filter(k -> k.startsWith("COORDINATOR")).count();
        System.out.println("COORDINATOR variables: " + coordinatorVars + ", STUB_EXTRA=" + System.getenv("STUB_EXTRA"));
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
            System.out.println("listening");
            while (true) {
                try (Socket c = s.accept()) {
                    c.getInputStream().read(new byte[4]);
                    OutputStream out = c.getOutputStream();
                    out.write("Zookeeper version: stub\nMode: standalone\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
