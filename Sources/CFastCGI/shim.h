// fcgiapp.h only: fcgi_stdio.h redefines stdin/printf with macros Swift cannot see (stack-notes pitfall 2).
#include <fcgiapp.h>

#include <malloc.h>

/// A FastCGI worker allocates and frees the same memory on every request; by default glibc returns the top of the
/// heap to the kernel each time and asks for it again (two brk calls per request). malloc.h is not in Swift's
/// Glibc module, hence this wrapper.
static inline void wo_keep_heap_between_requests(void) {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
}

#include <poll.h>
#include <signal.h>
#include <time.h>

/// ppoll is a GNU extension the Glibc module does not show Swift; a threaded worker's main thread waits in it with
/// SIGTERM unblocked only for the wait.
extern int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);
