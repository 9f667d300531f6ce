/* See pty_spawn.h. Between fork() and exec() the child calls only async-signal-safe
 * functions: the parent is multi-threaded. */
#define _GNU_SOURCE
#include "pty_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

struct exec_failure {
    int stage;
    int error;
};

/* Report a failure from the child over the close-on-exec pipe and exit. */
static void child_fail(int report_fd, int stage) {
    struct exec_failure f = {stage, errno};
    ssize_t unused = write(report_fd, &f, sizeof f);
    (void)unused;
    _exit(127);
}

/* Close every descriptor from `from` up, except `keep`. */
static void close_from(int from, int keep) {
#ifdef SYS_close_range
    if (keep >= from) {
        if (keep > from && syscall(SYS_close_range, from, keep - 1, 0) != 0)
            goto fallback;
        if (syscall(SYS_close_range, keep + 1, ~0U, 0) == 0)
            return;
    } else if (syscall(SYS_close_range, from, ~0U, 0) == 0) {
        return;
    }
fallback:
#endif
    {
        struct rlimit rl;
        long max = 65536;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            max = (long)rl.rlim_cur;
        for (long fd = from; fd < max; fd++)
            if (fd != keep)
                close((int)fd);
    }
}

static void child(const struct uvterm_spawn_opts *o, int slave, int report_fd) {
    /* A fresh session: the slave becomes our controlling terminal. */
    if (setsid() < 0)
        child_fail(report_fd, UVTERM_STAGE_SETSID);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        child_fail(report_fd, UVTERM_STAGE_CTTY);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            child_fail(report_fd, UVTERM_STAGE_DUP);
    /* Nothing else is inherited: not other tabs' masters, not the IPC socket. */
    close_from(3, report_fd);

    /* Signals back to defaults (the parent ignores SIGPIPE and blocks others). */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (o->nofile_soft >= 0) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rlim_t)o->nofile_soft <= rl.rlim_max) {
            rl.rlim_cur = (rlim_t)o->nofile_soft;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }
    if (o->cwd && chdir(o->cwd) < 0)
        child_fail(report_fd, UVTERM_STAGE_CHDIR);
    execve(o->file, o->argv, o->envp);
    child_fail(report_fd, UVTERM_STAGE_EXEC);
}

int uvterm_pty_spawn(const struct uvterm_spawn_opts *o, struct uvterm_spawn_result *r) {
    r->master_fd = -1;
    r->pid = -1;
    r->stage = UVTERM_STAGE_OK;
    r->error = 0;

    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) {
        r->stage = UVTERM_STAGE_OPENPT;
        r->error = errno;
        return -1;
    }
    char name[128];
    if (grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0) {
        r->stage = UVTERM_STAGE_UNLOCKPT;
        r->error = errno;
        goto fail_master;
    }
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        r->stage = UVTERM_STAGE_OPEN_SLAVE;
        r->error = errno;
        goto fail_master;
    }
    struct winsize ws = {o->rows, o->cols, o->xpixel, o->ypixel};
    ioctl(slave, TIOCSWINSZ, &ws);
    /* UTF-8 input processing in the line discipline (erase deletes whole characters). */
    struct termios tio;
    if (tcgetattr(slave, &tio) == 0) {
        tio.c_iflag |= IUTF8;
        tcsetattr(slave, TCSANOW, &tio);
    }

    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) {
        r->stage = UVTERM_STAGE_PIPE;
        r->error = errno;
        goto fail_slave;
    }
    pid_t pid = fork();
    if (pid < 0) {
        r->stage = UVTERM_STAGE_FORK;
        r->error = errno;
        close(report[0]);
        close(report[1]);
        goto fail_slave;
    }
    if (pid == 0) {
        close(master);
        close(report[0]);
        child(o, slave, report[1]);
    }
    close(slave);
    close(report[1]);

    /* exec closes the pipe (CLOEXEC): EOF means it worked; data is the failure. */
    struct exec_failure f;
    ssize_t n;
    do {
        n = read(report[0], &f, sizeof f);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof f) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        close(master);
        r->stage = f.stage;
        r->error = f.error;
        return -1;
    }

    int flags = fcntl(master, F_GETFL);
    if (flags >= 0)
        fcntl(master, F_SETFL, flags | O_NONBLOCK);
    r->master_fd = master;
    r->pid = pid;
    return 0;

fail_slave:
    close(slave);
fail_master:
    close(master);
    return -1;
}

int uvterm_pty_resize(int master_fd, unsigned short rows, unsigned short cols,
                      unsigned short xpixel, unsigned short ypixel) {
    struct winsize ws = {rows, cols, xpixel, ypixel};
    return ioctl(master_fd, TIOCSWINSZ, &ws);
}
