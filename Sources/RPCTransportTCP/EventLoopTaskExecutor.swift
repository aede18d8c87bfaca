import NIOCore

/// Runs tasks on one event loop, so that a call's work, its frame writes and the
/// wake-ups of its reads all happen on the thread that owns its connection: no
/// thread hop, and no context switch, between the socket and the handler.
///
/// Handlers that run here must not block (a database is awaited on its own threads).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
