package io.coordinator.spring.autoconfigure;

import java.net.InetSocketAddress;
import java.util.Collection;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.client.StaticHostProvider;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * ZooKeeper handles whose host provider waits {@link #SPIN} instead of a full second each time every server has
 * been tried. With one or few servers that second, plus ZooKeeper's own random back-off of up to a second, is what
 * decides how soon a client notices a server that is back; the starter promises to apply configuration within
 * 2 s of that. The random back-off (which spreads a fleet's reconnects) is kept.
 */
public class QuickReconnectZookeeperFactory implements ZookeeperFactory {
    static final long SPIN = 100;

    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
            throws Exception {
        return newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, null);
    }

    @Override
    public ZooKeeper newZooKeeper(
            String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly, ZKClientConfig config)
            throws Exception {
        HostProvider hosts =
                new ShortSpin(new StaticHostProvider(new ConnectStringParser(connectString).getServerAddresses()));
        return config == null
                ? new ZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, hosts)
                : new ZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, hosts, config);
    }

    private record ShortSpin(HostProvider delegate) implements HostProvider {
        @Override
        public int size() {
            return delegate.size();
        }

        @Override
        public InetSocketAddress next(long spinDelay) {
            return delegate.next(Math.min(spinDelay, SPIN));
        }

        @Override
        public void onConnected() {
            delegate.onConnected();
        }

        @Override
        public boolean updateServerList(Collection<InetSocketAddress> servers, InetSocketAddress current) {
            return delegate.updateServerList(servers, current);
        }
    }
}
