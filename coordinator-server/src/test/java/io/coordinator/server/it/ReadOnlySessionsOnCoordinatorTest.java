package io.coordinator.server.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The read-only scenario against three in-process Coordinator members. */
class ReadOnlySessionsOnCoordinatorTest extends ReadOnlySessionsTest {
    private final ListAppender<ILoggingEvent> pipelineLog = new ListAppender<>();

    @Override
    protected Members startEnsemble(Path dir) throws Exception {
        Servers.EnsembleUnderTest e = Servers.coordinatorEnsemble(
                dir, false, 3, 0, List.of("--coordinator.read-only-mode-enabled=true", "--coordinator.tick-time=500"));
        // attached after the members start: Spring Boot resets logback (and drops appenders) as each one starts
        Logger logger = (Logger) LoggerFactory.getLogger("io.coordinator.server.request.RequestPipeline");
        pipelineLog.start();
        logger.addAppender(pipelineLog);
        return new Members() {
            @Override
            public int clientPort(int index) {
                return e.clientPorts()[index];
            }

            @Override
            public void stop(int index) {
                e.stopMember(index);
            }

            @Override
            public void start(int index) {
                e.startMember(index);
            }

            @Override
            public void close() {
                try {
                    e.close();
                } finally {
                    logger.detachAppender(pipelineLog);
                }
            }
        };
    }

    @Override
    protected boolean logged(Members m, String text) {
        synchronized (pipelineLog) { // AppenderBase.doAppend holds this lock
            return pipelineLog.list.stream()
                    .anyMatch(ev -> ev.getFormattedMessage().contains(text));
        }
    }
}
