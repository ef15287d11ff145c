#if canImport(Glibc)
    import Glibc
#endif

/// Group commit for a FastCGI worker that serves several requests at once on threads (`--threads N`): each
/// request's database work joins whatever the other threads submitted meanwhile, and one IMMEDIATE transaction
/// commits the lot. One thread at a time leads: it takes the queue, runs every item on the process's one
/// connection, commits, and wakes the others.
///
/// Why: a commit is most of a message's database cost (the WAL frames of every page touched, the lock, the read
/// of what another process changed), and the pages a batch touches are shared (the outbox's and the inbound
/// table's last pages, their indexes). A batch of four pays for about one.
///
/// What stays true: an item's writes are committed before `run` returns true, so a handler still answers 200 only
/// once its message is stored; each item's own transactions become savepoints (`Database.immediateTransaction`),
/// so one item's failure undoes that item alone; if the batch's commit fails, every item is told so and nothing
/// of the batch survives, and Meta's retry brings each message again.
public final class GroupCommit: @unchecked Sendable {
    private let open: () throws -> Store
    private let failed: (any Error) -> Void
    /// Used only by the leader, which the mutex makes one thread at a time.
    private var store: Store?
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var queue: [Item] = []
    private var leading = false

    /// One request's work. Its thread sleeps on its own condition until the batch that holds it is over, or until
    /// it is told to lead the next one: a broadcast would also wake every thread queued for the next batch, only
    /// for all but one of them to sleep again.
    private final class Item {
        /// Dropped as soon as the batch is over: `run` lends it through `withoutActuallyEscaping`, which traps if
        /// anything still holds it when `run` returns.
        var work: ((Store) -> Bool)?
        var committed: Bool?
        var wantsFollowUp = false
        var actsForBatch = false
        var leads = false
        let wake: UnsafeMutablePointer<pthread_cond_t>

        init(_ work: @escaping (Store) -> Bool) {
            self.work = work
            wake = .allocate(capacity: 1)
            pthread_cond_init(wake, nil)
        }

        deinit {
            pthread_cond_destroy(wake)
            wake.deallocate()
        }
    }

    public struct Commit: Sendable {
        /// The batch committed: everything the work wrote is stored.
        public var committed: Bool
        /// True for one caller of a committed batch in which some work asked for a follow-up (returned true), so
        /// that the follow-up (waking the sender) happens once per batch, not once per request.
        public var actsForBatch: Bool
    }

    /// `open` gives the connection the leaders share (called again after a failure closed it); `failed` hears why
    /// a batch did not commit.
    public init(open: @escaping () throws -> Store, failed: @escaping (any Error) -> Void) {
        self.open = open
        self.failed = failed
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        store?.close()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `work` with the store inside a batch's transaction; `work` returns whether it needs a follow-up once
    /// committed. `committed` is false when the batch was rolled back (or never began): nothing `work` wrote was
    /// kept.
    public func run(_ work: (Store) -> Bool) -> Commit {
        withoutActuallyEscaping(work) { work in
            let item = Item(work)
            pthread_mutex_lock(mutex)
            queue.append(item)
            if !leading {
                leading = true
                item.leads = true
            }
            while item.committed == nil && !item.leads { pthread_cond_wait(item.wake, mutex) }
            if item.committed == nil {
                // A leader's own item is still queued (nobody takes the queue but a leader): the batch is
                // everything that arrived up to now.
                let batch = queue
                queue.removeAll(keepingCapacity: true)
                pthread_mutex_unlock(mutex)
                let committed = commit(batch)
                pthread_mutex_lock(mutex)
                for done in batch {
                    done.work = nil
                    done.committed = committed
                }
                item.actsForBatch = committed && batch.contains { $0.wantsFollowUp }
                for done in batch where done !== item { pthread_cond_signal(done.wake) }
                if let next = queue.first {
                    next.leads = true
                    pthread_cond_signal(next.wake)
                } else {
                    leading = false
                }
            }
            pthread_mutex_unlock(mutex)
            return Commit(committed: item.committed ?? false, actsForBatch: item.actsForBatch)
        }
    }

    private func commit(_ batch: [Item]) -> Bool {
        do {
            let store = try currentStore()
            try store.database.immediateTransaction {
                // NB: some errors (a full disk, I/O) make SQLite roll the whole transaction back; what runs after
                // would then commit statement by statement. The flag makes those statements fail instead.
                store.database.writesOnlyInTransaction = true
                defer { store.database.writesOnlyInTransaction = false }
                for item in batch {
                    guard store.database.isInTransaction else { throw BatchAbandoned() }
                    item.wantsFollowUp = item.work?(store) ?? false
                }
                guard store.database.isInTransaction else { throw BatchAbandoned() }
            }
            return true
        } catch {
            failed(error)
            if (error as? StorageError)?.isBusy != true {
                // A connection in an unknown state is not reused: the next leader opens a fresh one.
                store?.close()
                store = nil
            }
            return false
        }
    }

    private func currentStore() throws -> Store {
        if let store { return store }
        let opened = try open()
        store = opened
        return opened
    }

    /// Requests waiting for the next batch (tests watch a batch form).
    var waiting: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return queue.count
    }

    /// Closes the connection (the process is about to exit).
    public func close() {
        pthread_mutex_lock(mutex)
        store?.close()
        store = nil
        pthread_mutex_unlock(mutex)
    }

    struct BatchAbandoned: Error, CustomStringConvertible {
        var description: String { "SQLite rolled the batch's transaction back" }
    }
}
