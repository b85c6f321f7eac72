package io.coordinator.server.net;

import io.coordinator.server.request.RequestSink;
import io.coordinator.server.request.ServerView;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * Builds the pipeline of one client connection:
 * admission (per-IP limit, registry) → four-letter words → framing → handshake → requests → disconnect.
 */
public final class ClientPortChannelInitializer extends ChannelInitializer<Channel> {
    private final ClientPortConfig config;
    private final RequestSink sink;
    private final ServerStats stats;
    private final ConnectionRegistry registry;
    private final FourLetterWords words;
    private final int maxOutstanding;

    public ClientPortChannelInitializer(
            ClientPortConfig config,
            RequestSink sink,
            ServerView view,
            ServerStats stats,
            ConnectionRegistry registry,
            int maxOutstanding,
            DataDirSizes dirs) {
        this.config = config;
        this.sink = sink;
        this.stats = stats;
        this.registry = registry;
        this.words = new FourLetterWords(config, view, stats, registry, dirs);
        this.maxOutstanding = maxOutstanding;
    }

    @Override
    protected void initChannel(Channel ch) {
        NettyClientConnection connection = new NettyClientConnection(ch, stats, maxOutstanding);
        ChannelPipeline p = ch.pipeline();
        p.addLast(
                "admission", new ConnectionAdmissionHandler(registry, connection, config.maxClientConnectionsPerIp()));
        p.addLast("fourLetterWords", new FourLetterWordHandler(words, connection));
        p.addLast("frames", new FrameDecoder(config.maxPacketSize(), stats));
        p.addLast("handshake", new ConnectRequestHandler(sink, connection));
        p.addLast("requests", new RequestHandler(sink, connection));
        p.addLast("disconnect", new DisconnectHandler(sink, connection));
    }
}
