package org.apache.zookeeper;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.jute.Record;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;

/**
 * The official client with one addition the history needs: the zxid of each reply's header. The public API
 * hides it (the client keeps only the highest one seen, shared by every request), so each call here queues its
 * packet with its own {@link ReplyHeader} and reads that header back. It lives in the client's package to
 * reach the watch registrations, so watches behave exactly as with {@code ZooKeeper#getData(path, watcher, ..)}.
 *
 * <p>Completions are delivered by the client's event thread, the same thread that delivers watch events, in
 * the order the client read them off the wire: the order the history records is the wire order.
 */
public class ZxidClient extends ZooKeeper {

    /** One reply: its error code, its header zxid, and the response record (null when the op has none). */
    public record Reply(int err, long zxid, Record response, long seq) {
        public Stat stat() {
            if (response instanceof GetDataResponse r) {
                return r.getStat();
            } else if (response instanceof SetDataResponse r) {
                return r.getStat();
            } else if (response instanceof Create2Response r) {
                return r.getStat();
            } else if (response instanceof GetChildren2Response r) {
                return r.getStat();
            } else if (response instanceof ExistsResponse r) {
                return r.getStat();
            }
            return null;
        }
    }

    private final LongSupplier deliverySeq;

    /**
     * @param deliverySeq numbers each delivery; the watcher must draw from the same counter, so replies and
     *                    events of this session are ordered as the event thread delivered them
     */
    public ZxidClient(String connectString, int sessionTimeoutMs, Watcher watcher, LongSupplier deliverySeq)
            throws IOException {
        this(connectString, sessionTimeoutMs, watcher, deliverySeq, new ZKClientConfig());
    }

    /** The same with a client configuration of the caller's (e.g. {@link ReplyOrderSocket.Config}). */
    public ZxidClient(
            String connectString,
            int sessionTimeoutMs,
            Watcher watcher,
            LongSupplier deliverySeq,
            ZKClientConfig config)
            throws IOException {
        super(connectString, sessionTimeoutMs, watcher, config);
        this.deliverySeq = deliverySeq;
    }

    public CompletableFuture<Reply> createZ(String path, byte[] data, List<ACL> acl, CreateMode mode) {
        CreateRequest req = new CreateRequest(path, data, acl, mode.toFlag());
        return send(ZooDefs.OpCode.create2, req, new Create2Response(), null);
    }

    public CompletableFuture<Reply> setDataZ(String path, byte[] data, int version) {
        return send(ZooDefs.OpCode.setData, new SetDataRequest(path, data, version), new SetDataResponse(), null);
    }

    public CompletableFuture<Reply> deleteZ(String path, int version) {
        return send(ZooDefs.OpCode.delete, new DeleteRequest(path, version), null, null);
    }

    public CompletableFuture<Reply> getDataZ(String path, Watcher watcher) {
        WatchRegistration wr = watcher == null ? null : new DataWatchRegistration(watcher, path);
        return send(ZooDefs.OpCode.getData, new GetDataRequest(path, watcher != null), new GetDataResponse(), wr);
    }

    public CompletableFuture<Reply> existsZ(String path, Watcher watcher) {
        WatchRegistration wr = watcher == null ? null : new ExistsWatchRegistration(watcher, path);
        return send(ZooDefs.OpCode.exists, new ExistsRequest(path, watcher != null), new ExistsResponse(), wr);
    }

    public CompletableFuture<Reply> getChildrenZ(String path, Watcher watcher) {
        WatchRegistration wr = watcher == null ? null : new ChildWatchRegistration(watcher, path);
        return send(
                ZooDefs.OpCode.getChildren2,
                new GetChildren2Request(path, watcher != null),
                new GetChildren2Response(),
                wr);
    }

    public CompletableFuture<Reply> syncZ(String path) {
        return send(ZooDefs.OpCode.sync, new SyncRequest(path), new SyncResponse(), null);
    }

    public CompletableFuture<Reply> multiZ(List<Op> ops) {
        return send(ZooDefs.OpCode.multi, new MultiOperationRecord(ops), new MultiResponse(), null);
    }

    private CompletableFuture<Reply> send(int type, Record request, Record response, WatchRegistration wr) {
        RequestHeader h = new RequestHeader();
        h.setType(type);
        ReplyHeader r = new ReplyHeader();
        CompletableFuture<Reply> done = new CompletableFuture<>();
        Completion cb = () -> done.complete(new Reply(r.getErr(), r.getZxid(), response, deliverySeq.getAsLong()));
        String path = request instanceof MultiOperationRecord ? "/" : pathOf(request);
        cnxn.queuePacket(h, r, request, response, cb, path, path, null, wr);
        return done;
    }

    private static String pathOf(Record request) {
        if (request instanceof CreateRequest c) {
            return c.getPath();
        } else if (request instanceof SetDataRequest s) {
            return s.getPath();
        } else if (request instanceof DeleteRequest d) {
            return d.getPath();
        } else if (request instanceof GetDataRequest g) {
            return g.getPath();
        } else if (request instanceof ExistsRequest e) {
            return e.getPath();
        } else if (request instanceof GetChildren2Request g) {
            return g.getPath();
        } else if (request instanceof SyncRequest s) {
            return s.getPath();
        }
        return "/";
    }

    /**
     * The client's event thread casts a packet's callback by its response type; this one is every kind, and
     * each kind just signals that the reply (already stored in our ReplyHeader and response record) is in.
     */
    @FunctionalInterface
    private interface Completion
            extends AsyncCallback.StatCallback,
                    AsyncCallback.DataCallback,
                    AsyncCallback.Children2Callback,
                    AsyncCallback.Create2Callback,
                    AsyncCallback.StringCallback,
                    AsyncCallback.MultiCallback,
                    AsyncCallback.VoidCallback {
        void done();

        @Override
        default void processResult(int rc, String path, Object ctx, Stat stat) {
            done();
        }

        @Override
        default void processResult(int rc, String path, Object ctx, byte[] data, Stat stat) {
            done();
        }

        @Override
        default void processResult(int rc, String path, Object ctx, List<String> children, Stat stat) {
            done();
        }

        @Override
        default void processResult(int rc, String path, Object ctx, String name, Stat stat) {
            done();
        }

        @Override
        default void processResult(int rc, String path, Object ctx, String name) {
            done();
        }

        @Override
        default void processResult(int rc, String path, Object ctx, List<OpResult> opResults) {
            done();
        }

        @Override
        default void processResult(int rc, String path, Object ctx) {
            done();
        }
    }
}
